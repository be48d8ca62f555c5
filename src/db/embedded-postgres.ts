import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { acquireDataDirLock, type DataDirLock } from "./data-dir-lock.js";
import { ProtocolAwareQueue } from "./pglite-protocol-queue.js";

// The embedded default: PGlite (PostgreSQL in WASM) in DATA_DIR, served on a loopback
// socket so the same `pg` driver, migrations and queries run as on a real server.
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(
  dataDir: string,
  maxConnections: number,
): Promise<EmbeddedPostgres> {
  const lock: DataDirLock = acquireDataDirLock(dataDir);
  try {
    const db = await PGlite.create(`${dataDir}/pgdata`);
    const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections });
    // Handlers take the server's queue when they connect: swap it before start (see the file).
    // A private field of pglite-socket 0.2.17: refuse to start rather than run unprotected
    // if a release moved it (pglite-socket-private-field.test.ts checks its shape).
    if (!Object.keys(server).includes("queryQueue"))
      throw new Error("@electric-sql/pglite-socket has no queryQueue to replace (decision 0001)");
    (server as unknown as { queryQueue: ProtocolAwareQueue }).queryQueue = new ProtocolAwareQueue(
      db,
    );
    await server.start();
    const url = `postgres://postgres@${server.getServerConn()}/postgres`;
    let stopped = false;
    return {
      url,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await server.stop();
        await db.close();
        lock.release();
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}
