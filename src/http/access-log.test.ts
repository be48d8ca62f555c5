import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import express from "express";
import type { Logger } from "pino";
import { describe, expect, it } from "vitest";
import { fixedClock } from "../infra/clock.js";
import { createLogger } from "../infra/logger.js";
import { createMetrics } from "../infra/metrics.js";
import { createHttpApp, type HttpDeps } from "./app.js";

function capture(level: "info" | "debug" = "info") {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split("\n")) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, log: createLogger(level, stream) };
}

/** The platform's HTTP app with no API routes, logging to `log`. */
function appWith(log: Logger, mounts: HttpDeps["mounts"] = []) {
  return createHttpApp(
    {
      authenticate: () => Promise.resolve(null),
      clock: fixedClock(new Date("2026-11-20T00:00:00Z")),
      log,
      metrics: createMetrics(),
      bodyLimitBytes: 1024,
      trustProxy: false,
      version: "test",
      isReady: () => Promise.resolve(true),
      mounts,
    },
    [],
  );
}

describe("logging", () => {
  it("the access log records the path without the query string", async () => {
    const { lines, log } = capture();
    const server = appWith(log).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    try {
      const port = (server.address() as AddressInfo).port;
      const res = await fetch(`http://127.0.0.1:${port}/healthz?email=alice%40example.jp&q=x`);
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      await new Promise((r) => server.close(r));
    }
    const request = lines.find((l) => l.msg === "request");
    expect(request).toMatchObject({ url: "/healthz", status: 200 });
    expect(JSON.stringify(lines)).not.toContain("alice");
  });

  it("logs a routine success of a route that asks for it at debug only, and its failures at info", async () => {
    for (const level of ["info", "debug"] as const) {
      const { lines, log } = capture(level);
      const pushes = express.Router();
      pushes.post("/push/:status", (req, res) => {
        res.locals.accessLog = "errors";
        res.status(Number(req.params.status)).json({});
      });
      const server = appWith(log, [{ path: "/", router: pushes }]).listen(0, "127.0.0.1");
      await new Promise((r) => server.once("listening", r));
      try {
        const port = (server.address() as AddressInfo).port;
        for (const status of [200, 204, 429, 503])
          await fetch(`http://127.0.0.1:${port}/push/${status}`, { method: "POST" });
        await fetch(`http://127.0.0.1:${port}/healthz`);
        await new Promise((r) => setTimeout(r, 20));
      } finally {
        await new Promise((r) => server.close(r));
      }
      const logged = lines
        .filter((l) => l.msg === "request")
        .map((l) => `${String(l.level)} ${String(l.url)} ${String(l.status)}`);
      // pino levels: 20 debug, 30 info. Other routes keep their info line.
      expect(logged).toEqual(
        level === "info"
          ? ["30 /push/429 429", "30 /push/503 503", "30 /healthz 200"]
          : [
              "20 /push/200 200",
              "20 /push/204 204",
              "30 /push/429 429",
              "30 /push/503 503",
              "30 /healthz 200",
            ],
      );
    }
  });
});
