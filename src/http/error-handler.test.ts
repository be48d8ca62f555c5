import type { AddressInfo } from "node:net";
import express from "express";
import { QueryFailedError } from "typeorm";
import { describe, expect, it } from "vitest";
import { fixedClock } from "../infra/clock.js";
import { createLogger } from "../infra/logger.js";
import { createMetrics } from "../infra/metrics.js";
import { createHttpApp } from "./app.js";

/** The platform's HTTP app with one route that fails with `err`. */
async function failWith(err: unknown) {
  const router = express.Router();
  router.get("/fail", () => {
    throw err;
  });
  const app = createHttpApp(
    {
      authenticate: () => Promise.resolve(null),
      clock: fixedClock(new Date("2026-11-20T00:00:00Z")),
      log: createLogger("silent"),
      metrics: createMetrics(),
      bodyLimitBytes: 1024,
      trustProxy: false,
      version: "test",
      isReady: () => Promise.resolve(true),
      mounts: [{ path: "/", router }],
    },
    [],
  );
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/fail`);
    return {
      status: res.status,
      retryAfter: res.headers.get("retry-after"),
      body: await res.json(),
    };
  } finally {
    await new Promise((r) => server.close(r));
  }
}

describe("error handler", () => {
  it("answers 503 with Retry-After when the database is unreachable, not 500", async () => {
    const shutdown = Object.assign(
      new Error("terminating connection due to administrator command"),
      { code: "57P01" },
    );
    for (const err of [
      new QueryFailedError("SELECT 1", [], shutdown),
      new Error("timeout exceeded when trying to connect"),
    ]) {
      const res = await failWith(err);
      expect(res).toMatchObject({
        status: 503,
        retryAfter: "5",
        body: { code: "UNAVAILABLE", message: "the database is unreachable; retry shortly" },
      });
      // The driver's words (and the query) stay in the log, not in the answer.
      expect(JSON.stringify(res.body)).not.toMatch(/administrator|SELECT|timeout exceeded/);
    }
  });

  it("still answers 500 for a query the database refused and for a bug", async () => {
    const unique = Object.assign(new Error("duplicate key value"), { code: "23505" });
    for (const err of [
      new QueryFailedError("INSERT", [], unique),
      new TypeError("x is undefined"),
    ]) {
      const res = await failWith(err);
      expect(res).toMatchObject({ status: 500, retryAfter: null, body: { code: "INTERNAL" } });
    }
  });
});
