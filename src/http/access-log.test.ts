import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { fixedClock } from "../infra/clock.js";
import { createLogger } from "../infra/logger.js";
import { createMetrics } from "../infra/metrics.js";
import { createHttpApp } from "./app.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split("\n")) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, log: createLogger("info", stream) };
}

describe("logging", () => {
  it("the access log records the path without the query string", async () => {
    const { lines, log } = capture();
    const app = createHttpApp(
      {
        authenticate: () => Promise.resolve(null),
        clock: fixedClock(new Date("2026-11-20T00:00:00Z")),
        log,
        metrics: createMetrics(),
        bodyLimitBytes: 1024,
        trustProxy: false,
        version: "test",
        isReady: () => Promise.resolve(true),
      },
      [],
    );
    const server = app.listen(0, "127.0.0.1");
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
});
