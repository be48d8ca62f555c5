// The logger's serializers: what reaches the log from an error (moved here from
// src/http/access-log.test.ts: it tests src/infra/logger.ts, with TypeORM's real error class).
import { Writable } from "node:stream";
import { QueryFailedError } from "typeorm";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";

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
  it("a failed SQL statement is logged without its parameters", () => {
    const { lines, log } = capture();
    const driverError = Object.assign(new Error("duplicate key value"), {
      code: "23505",
      detail: "Key (email)=(alice@example.jp) already exists.",
    });
    const err = new QueryFailedError(
      "INSERT INTO users (email, password_hash) VALUES ($1, $2)",
      ["alice@example.jp", "$argon2id$secret-hash"],
      driverError,
    );
    log.error({ err }, "unhandled error");
    const logged = JSON.stringify(lines);
    expect(logged).toContain("INSERT INTO users");
    expect(logged).toContain("23505");
    expect(logged).not.toContain("alice@example.jp");
    expect(logged).not.toContain("secret-hash");
  });
});
