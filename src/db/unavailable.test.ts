import { QueryFailedError } from "typeorm";
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./unavailable.js";

const pgError = (message: string, code: string) => Object.assign(new Error(message), { code });
const query = (driverError: Error) => new QueryFailedError("SELECT 1", [], driverError);
const label = (err: unknown) => (err instanceof Error ? err.message : `${JSON.stringify(err)}`);

describe("isDatabaseUnavailable", () => {
  it("knows a server that is gone, refusing, shutting down or full", () => {
    for (const err of [
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
        code: "ECONNREFUSED",
        syscall: "connect",
      }),
      new Error("timeout exceeded when trying to connect"),
      new Error("Connection terminated unexpectedly"),
      new Error("Connection terminated due to connection timeout", {
        cause: new Error("Connection terminated unexpectedly"),
      }),
      query(pgError("terminating connection due to administrator command", "57P01")),
      query(pgError("the database system is starting up", "57P03")),
      query(pgError("sorry, too many clients already", "53300")),
      query(pgError("connection failure", "08006")),
      new Error("query failed", {
        cause: Object.assign(new Error("read"), { code: "ECONNRESET" }),
      }),
    ])
      expect(isDatabaseUnavailable(err), label(err)).toBe(true);
  });

  it("leaves a refused query, a bug and anything else alone", () => {
    const loop = new Error("loop") as Error & { cause?: unknown };
    loop.cause = loop;
    for (const err of [
      query(pgError('duplicate key value violates unique constraint "x"', "23505")),
      query(pgError('invalid input syntax for type uuid: "x"', "22P02")),
      query(pgError("canceling statement due to statement timeout", "57014")),
      query(pgError('relation "x" does not exist', "42P01")),
      new TypeError("Cannot read properties of undefined"),
      new Error("Connection terminated by the user"),
      loop,
      null,
      undefined,
      "ECONNREFUSED",
      { code: 57 },
    ])
      expect(isDatabaseUnavailable(err), label(err)).toBe(false);
  });
});
