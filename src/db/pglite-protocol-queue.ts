// A replacement for pglite-socket 0.2.17's query queue. The library's queue interleaves
// the protocol messages of different connections whenever no transaction is open, so one
// client's Bind can land on another's Parse ("bind message supplies 3 parameters, but
// prepared statement "" requires 1", or worse, rows of the wrong query; upstream
// electric-sql/pglite#1046). Here a connection that starts an extended-protocol exchange
// (Parse/Bind/Describe/Execute…) keeps the database until its Sync, and a connection inside
// a transaction keeps it until the transaction ends.
import type { PGlite } from "@electric-sql/pglite";

interface Item {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: unknown) => void;
}

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q' (simple query: self-contained)
const TERMINATE = 0x58; // 'X'

export class ProtocolAwareQueue {
  private queue: Item[] = [];
  private processing = false;
  /** The connection that holds the session (mid-exchange or inside a transaction). */
  private owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (d: Uint8Array) => void) {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.processQueue();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((item) => {
      if (item.handlerId !== handlerId) return true;
      item.reject(new Error("Handler disconnected"));
      return false;
    });
  }

  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
    this.owner = null;
    await this.processQueue();
  }

  private next(): Item | undefined {
    if (this.owner === null) return this.queue.shift();
    const i = this.queue.findIndex((item) => item.handlerId === this.owner);
    return i === -1 ? undefined : this.queue.splice(i, 1)[0];
  }

  private async processQueue(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let item = this.next(); item; item = this.next()) await this.run(item);
    } finally {
      this.processing = false;
    }
  }

  private async run(item: Item): Promise<void> {
    let bytes = 0;
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(item.message, {
          onRawData: (data: Uint8Array) => {
            bytes += data.length;
            item.onData(data);
          },
        }),
      );
    } catch (err) {
      this.owner = null;
      item.reject(err);
      return;
    }
    this.owner = this.ownerAfter(item);
    item.resolve(bytes);
  }

  private ownerAfter(item: Item): number | null {
    const type = item.message[0];
    if (type === TERMINATE) return null;
    if (this.db.isInTransaction()) return item.handlerId;
    // A startup packet begins with its length (first byte 0); Sync and a simple query end
    // an exchange; every other message is part of one still going.
    if (type === 0 || type === SYNC || type === QUERY) return null;
    return item.handlerId;
  }
}
