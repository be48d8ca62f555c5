// change_log reads and writes (decision 0020). Reads select by transaction id against the
// previous snapshot: every row whose transaction had not committed when that snapshot was
// taken and has now, whatever its version.
import type { DataSource } from "typeorm";
import type { ChangeLogStore, ChangeRecord, ChangeTopic, Snapshot } from "../infra/change-feed.js";
import { managerOf, type Tx } from "./unit-of-work.js";

export interface ChangeLogWriter {
  /** Records an event in the caller's transaction: told to every process at commit. */
  record: (
    tx: Tx,
    change: { topic: ChangeTopic; contractId: string | null; payload: unknown },
  ) => Promise<void>;
}

export function createChangeLogStore(db: DataSource): ChangeLogStore &
  ChangeLogWriter & {
    /** Deletes rows older than `before` (a reader that far behind was reset anyway). */
    purge: (before: Date) => Promise<number>;
  } {
  return {
    snapshot: async () => {
      const [row] = await db.query<{ s: string }[]>("SELECT pg_current_snapshot()::text AS s");
      return row!.s;
    },
    since: async (prev: Snapshot, limit: number) => {
      // One statement, so the rows and the returned snapshot are the same snapshot.
      const [row] = await db.query<{ s: string; rows: RawRow[] | null }[]>(
        `SELECT pg_current_snapshot()::text AS s,
                (SELECT json_agg(r ORDER BY r.version) FROM (
                   SELECT version::text AS version, topic, contract_id, payload, origin FROM change_log
                    WHERE tx >= pg_snapshot_xmin($1::pg_snapshot)
                      AND NOT pg_visible_in_snapshot(tx, $1::pg_snapshot)
                    ORDER BY version LIMIT $2) r) AS rows`,
        [prev, limit],
      );
      return { snapshot: row!.s, rows: (row!.rows ?? []).map(toRecord) };
    },
    record: async (tx, change) => {
      await managerOf(tx).query(
        "INSERT INTO change_log (topic, contract_id, payload) VALUES ($1, $2, $3)",
        [change.topic, change.contractId, JSON.stringify(change.payload ?? null)],
      );
    },
    purge: async (before) => {
      const res = await db.query<[unknown[], number]>("DELETE FROM change_log WHERE at < $1", [
        before,
      ]);
      return res[1];
    },
  };
}

interface RawRow {
  version: string;
  topic: ChangeTopic;
  contract_id: string | null;
  payload: unknown;
  origin: string;
}
const toRecord = (r: RawRow): ChangeRecord => ({
  version: BigInt(r.version),
  topic: r.topic,
  contractId: r.contract_id,
  payload: r.payload,
  origin: r.origin,
});
