import type { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { ProtocolAwareQueue } from "./pglite-protocol-queue.js";

// A stand-in database that records which connection's message ran, in order, and yields
// between messages (as PGlite does on I/O) so other connections' messages can arrive.
function fakeDb(inTransaction: () => boolean = () => false) {
  const ran: string[] = [];
  const db = {
    isInTransaction: inTransaction,
    runExclusive: <T>(fn: () => Promise<T>) => fn(),
    execProtocolRawStream: async (m: Uint8Array) => {
      await new Promise((r) => setTimeout(r, 1));
      ran.push(String.fromCharCode(...m));
    },
    exec: () => Promise.resolve(),
  };
  return { db: db as unknown as PGlite, ran };
}
const msg = (s: string) => new TextEncoder().encode(s);

describe(ProtocolAwareQueue.name, () => {
  it("runs one connection's Parse…Sync exchange without another's messages in between", async () => {
    const { db, ran } = fakeDb();
    const q = new ProtocolAwareQueue(db);
    const noop = () => undefined;
    // Arrival order interleaves two clients, as concurrent sockets do.
    const done = [
      q.enqueue(1, msg("P1"), noop),
      q.enqueue(2, msg("P2"), noop),
      q.enqueue(1, msg("B1"), noop),
      q.enqueue(2, msg("B2"), noop),
      q.enqueue(1, msg("E1"), noop),
      q.enqueue(1, msg("S1"), noop),
      q.enqueue(2, msg("E2"), noop),
      q.enqueue(2, msg("S2"), noop),
    ];
    await Promise.all(done);
    expect(ran).toEqual(["P1", "B1", "E1", "S1", "P2", "B2", "E2", "S2"]);
  });

  it("holds the database for a connection inside a transaction until it ends", async () => {
    let tx = false;
    const { db, ran } = fakeDb(() => tx);
    const q = new ProtocolAwareQueue(db);
    const noop = () => undefined;
    tx = true; // client 1's BEGIN has run
    const first = q.enqueue(1, msg("Q1 BEGIN"), noop);
    const other = q.enqueue(2, msg("Q2"), noop);
    await first;
    const commit = q.enqueue(1, msg("Q1 COMMIT"), () => (tx = false));
    tx = false;
    await Promise.all([other, commit]);
    expect(ran).toEqual(["Q1 BEGIN", "Q1 COMMIT", "Q2"]);
  });

  it("frees the database when the owning connection goes away", async () => {
    const { db, ran } = fakeDb();
    const q = new ProtocolAwareQueue(db);
    const noop = () => undefined;
    await q.enqueue(1, msg("P1"), noop); // an exchange left open by a client that died
    const waiting = q.enqueue(2, msg("Q2"), noop);
    await new Promise((r) => setTimeout(r, 10));
    expect(ran).toEqual(["P1"]);
    q.clearQueueForHandler(1);
    await q.clearTransactionIfNeeded(1);
    await waiting;
    expect(ran).toEqual(["P1", "Q2"]);
  });
});
