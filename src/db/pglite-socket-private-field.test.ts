import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { createRequire } from "node:module";
import type { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { describe, expect, it } from "vitest";
import { ProtocolAwareQueue } from "./pglite-protocol-queue.js";

// embedded-postgres.ts replaces a PRIVATE field of pglite-socket (`queryQueue`) with
// ProtocolAwareQueue, because the library's queue interleaves connections (upstream
// electric-sql/pglite#1046, open; 0.2.17 is the latest release). These tests fail loudly when
// an upgrade moves or reshapes that field, so the swap cannot silently stop taking effect.
// See docs/decisions/0001-embedded-pglite-behind-a-socket.md (addendum).
const PINNED = "0.2.17";
const fakeDb = { waitReady: Promise.resolve() } as unknown as PGlite;
type AnyQueue = Record<string, unknown>;
const methodsOf = (proto: object) =>
  Object.getOwnPropertyNames(proto).filter(
    (n) => n !== "constructor" && typeof (proto as AnyQueue)[n] === "function",
  );

describe("pglite-socket's private query queue, which embedded-postgres.ts replaces", () => {
  it(`is the pinned release ${PINNED} (an upgrade must re-check #1046 and this swap)`, () => {
    const require = createRequire(import.meta.url);
    const main = require.resolve("@electric-sql/pglite-socket");
    const pkgPath = main.slice(0, main.lastIndexOf("/dist/")) + "/package.json";
    const { version } = JSON.parse(readFileSync(pkgPath, "utf8")) as { version: string };
    expect(version).toBe(PINNED);
  });

  it("is an own field `queryQueue` whose methods ProtocolAwareQueue all provides", () => {
    const server = new PGLiteSocketServer({ db: fakeDb, host: "127.0.0.1", port: 0 });
    expect(Object.keys(server)).toContain("queryQueue");
    const lib = (server as unknown as { queryQueue: object }).queryQueue;
    const libMethods = methodsOf(Object.getPrototypeOf(lib) as object).filter((m) => m !== "log");
    expect(libMethods).toEqual(
      expect.arrayContaining(["enqueue", "getQueueLength", "clearQueueForHandler"]),
    );
    const ours = ProtocolAwareQueue.prototype as unknown as AnyQueue;
    for (const m of libMethods) {
      expect(typeof ours[m], `ProtocolAwareQueue.${m}`).toBe("function");
      expect((ours[m] as () => void).length, `arity of ${m}`).toBe(
        ((lib as AnyQueue)[m] as () => void).length,
      );
    }
  });

  it("is the queue a connection's handler sends its messages to", async () => {
    const server = new PGLiteSocketServer({ db: fakeDb, host: "127.0.0.1", port: 0 });
    const seen: number[] = [];
    const spy = {
      enqueue: (handlerId: number, message: Uint8Array) => {
        seen.push(message.length);
        return Promise.resolve(0);
      },
      getQueueLength: () => 0,
      clearQueueForHandler: () => undefined,
      clearTransactionIfNeeded: () => Promise.resolve(),
    };
    (server as unknown as { queryQueue: unknown }).queryQueue = spy;
    await server.start();
    const [host, port] = server.getServerConn().split(":");
    const socket = connect(Number(port), host);
    try {
      const startup = Buffer.alloc(8);
      startup.writeInt32BE(8, 0);
      startup.writeInt32BE(196608, 4); // protocol 3.0, no parameters
      await new Promise<void>((r) => socket.once("connect", () => r()));
      socket.write(startup);
      const deadline = Date.now() + 5_000;
      while (seen.length === 0) {
        if (Date.now() > deadline) throw new Error("the replaced queue never got a message");
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(seen).toEqual([8]);
    } finally {
      socket.destroy();
      await server.stop();
    }
  });
});
