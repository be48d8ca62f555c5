// Persistence of collector ownership (decision 0019): the collectors' heartbeats and one
// lease per contract. Every ownership change is one conditional statement on the lease row,
// so PostgreSQL's row lock decides a race: two collectors can never both hold a lease. Lease
// times are the database's `now()`: the one clock every collector shares.
import type { DataSource } from "typeorm";
import type { RollupSeed } from "../ingest/rollups.js";
import type { FiringKey } from "../rules/engine-state.js";

/** Who holds a contract's lease, when another collector does. */
export interface LeaseHolder {
  collectorId: string;
  /** Its internal URL, null when it has already deregistered. */
  url: string | null;
}

/** What a collector needs to judge a contract it has just taken. */
export interface ContractState {
  /** components.last_seen_at of the contracts' components, epoch ms. */
  lastSeen: Map<string, number>;
  /** Keys of the contracts with an unresolved incident. */
  firing: FiringKey[];
  /** The recent window's 1-minute rollups of their series. */
  rollups: RollupSeed[];
}

export interface OwnershipStore {
  /** Records the collector (again, after a restart with the same id) and its URL. */
  register(collectorId: string, url: string): Promise<void>;
  /** Heartbeat: renews every lease the collector still holds; returns those contracts. */
  renew(collectorId: string, leaseMs: number): Promise<string[]>;
  /** Takes the lease when free, expired or already ours; else says who holds it. */
  claim(collectorId: string, contractId: string, leaseMs: number): Promise<"ours" | LeaseHolder>;
  /** Takes the lease from `fromId` (unreachable), only while `fromId` still holds it. */
  takeFrom(
    collectorId: string,
    contractId: string,
    fromId: string,
    leaseMs: number,
  ): Promise<boolean>;
  /**
   * Leases nobody renews (expired over `graceMs` ago, or at once when their holder stopped
   * and deregistered), and contracts whose components were seen but that no collector
   * holds: taken by this collector. Returns those contracts.
   */
  claimOrphans(collectorId: string, leaseMs: number, graceMs: number): Promise<string[]>;
  /**
   * Moves the lease from `fromId` to `toId`, only while `fromId` holds it and `toId` has
   * sent a heartbeat within the lease time (a live collector).
   */
  handOver(fromId: string, contractId: string, toId: string, leaseMs: number): Promise<boolean>;
  /** Graceful stop: the collector's leases expire now and its row goes. */
  release(collectorId: string): Promise<void>;
  contractState(contractIds: readonly string[], sinceMs: number): Promise<ContractState>;
}

const LEASE = `now() + $2::int * interval '1 millisecond'`;

export function createOwnershipStore(db: DataSource): OwnershipStore {
  return {
    async register(collectorId, url) {
      await db.query(
        `INSERT INTO collectors (id, url, started_at, heartbeat_at) VALUES ($1, $2, now(), now())
         ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, heartbeat_at = now()`,
        [collectorId, url],
      );
    },

    async renew(collectorId, leaseMs) {
      const [rows] = await Promise.all([
        db.query<{ contract_id: string }[]>(
          `UPDATE contract_leases SET expires_at = ${LEASE} WHERE collector_id = $1 RETURNING contract_id`,
          [collectorId, leaseMs],
        ),
        db.query(`UPDATE collectors SET heartbeat_at = now() WHERE id = $1`, [collectorId]),
      ]);
      return rowsOf(rows).map((r) => r.contract_id);
    },

    async claim(collectorId, contractId, leaseMs) {
      const taken = await db.query<{ collector_id: string }[]>(
        `INSERT INTO contract_leases (contract_id, collector_id, claimed_at, expires_at)
         VALUES ($3, $1, now(), ${LEASE})
         ON CONFLICT (contract_id) DO UPDATE
            SET collector_id = EXCLUDED.collector_id, expires_at = EXCLUDED.expires_at,
                claimed_at = CASE WHEN contract_leases.collector_id = EXCLUDED.collector_id
                                  THEN contract_leases.claimed_at ELSE now() END
          WHERE contract_leases.collector_id = EXCLUDED.collector_id
             OR contract_leases.expires_at < now()
         RETURNING collector_id`,
        [collectorId, leaseMs, contractId],
      );
      if (rowsOf(taken).length > 0) return "ours";
      const held = await db.query<{ collector_id: string; url: string | null }[]>(
        `SELECT l.collector_id, c.url FROM contract_leases l
           LEFT JOIN collectors c ON c.id = l.collector_id WHERE l.contract_id = $1`,
        [contractId],
      );
      const h = held[0];
      // Released between the two statements: the next push claims it.
      if (!h) return { collectorId: "", url: null };
      return { collectorId: h.collector_id, url: h.url };
    },

    async takeFrom(collectorId, contractId, fromId, leaseMs) {
      const rows = await db.query<{ contract_id: string }[]>(
        `UPDATE contract_leases SET collector_id = $1, claimed_at = now(), expires_at = ${LEASE}
          WHERE contract_id = $3 AND collector_id = $4 RETURNING contract_id`,
        [collectorId, leaseMs, contractId, fromId],
      );
      return rowsOf(rows).length > 0;
    },

    async handOver(fromId, contractId, toId, leaseMs) {
      const rows = await db.query<{ contract_id: string }[]>(
        `UPDATE contract_leases SET collector_id = $1, claimed_at = now(), expires_at = ${LEASE}
          WHERE contract_id = $3 AND collector_id = $4
            AND EXISTS (SELECT 1 FROM collectors c
                         WHERE c.id = $1 AND c.heartbeat_at > now() - $2::int * interval '1 millisecond')
          RETURNING contract_id`,
        [toId, leaseMs, contractId, fromId],
      );
      return rowsOf(rows).length > 0;
    },

    async claimOrphans(collectorId, leaseMs, graceMs) {
      const expired = await db.query<{ contract_id: string }[]>(
        `UPDATE contract_leases SET collector_id = $1, claimed_at = now(), expires_at = ${LEASE}
          WHERE expires_at < now() - $3::int * interval '1 millisecond'
             OR (expires_at <= now()
                 AND NOT EXISTS (SELECT 1 FROM collectors c WHERE c.id = contract_leases.collector_id))
          RETURNING contract_id`,
        [collectorId, leaseMs, graceMs],
      );
      const never = await db.query<{ contract_id: string }[]>(
        `INSERT INTO contract_leases (contract_id, collector_id, claimed_at, expires_at)
         SELECT DISTINCT c.contract_id, $1, now(), ${LEASE} FROM components c
          WHERE c.last_seen_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM contract_leases l WHERE l.contract_id = c.contract_id)
         ON CONFLICT (contract_id) DO NOTHING RETURNING contract_id`,
        [collectorId, leaseMs],
      );
      return [...rowsOf(expired), ...rowsOf(never)].map((r) => r.contract_id);
    },

    async release(collectorId) {
      await db.query(`UPDATE contract_leases SET expires_at = now() WHERE collector_id = $1`, [
        collectorId,
      ]);
      await db.query(`DELETE FROM collectors WHERE id = $1`, [collectorId]);
    },

    async contractState(contractIds, sinceMs) {
      const ids = [...contractIds];
      const [seen, firing, rollups] = await Promise.all([
        db.query<{ id: string; last_seen_at: Date }[]>(
          `SELECT id, last_seen_at FROM components
            WHERE contract_id = ANY($1::uuid[]) AND last_seen_at IS NOT NULL`,
          [ids],
        ),
        db.query<FiringRow[]>(
          `SELECT mb.component_id, mb.rule_id, mb.labels_key, i.rule_kind, mb.labels, mb.last_fired_at
             FROM incident_members mb JOIN incidents i ON i.id = mb.incident_id
            WHERE mb.active AND i.state <> 'resolved' AND i.contract_id = ANY($1::uuid[])`,
          [ids],
        ),
        db.query<RollupRow[]>(
          `SELECT s.component_id, s.labels, r.minute, r.last, r.last_at
             FROM metric_rollups r JOIN metric_series s ON s.id = r.series_id
             JOIN components c ON c.id = s.component_id
            WHERE c.contract_id = ANY($1::uuid[]) AND r.minute >= $2 ORDER BY r.minute`,
          [ids, new Date(sinceMs).toISOString()],
        ),
      ]);
      return {
        lastSeen: new Map(seen.map((r) => [r.id, new Date(r.last_seen_at).getTime()])),
        firing: firing.map((r) => ({
          componentId: r.component_id,
          ruleId: r.rule_id,
          labelsKey: r.labels_key,
          ruleKind: r.rule_kind,
          labels:
            typeof r.labels === "string"
              ? (JSON.parse(r.labels) as Record<string, string>)
              : r.labels,
          lastFiredMs: new Date(r.last_fired_at).getTime(),
        })),
        rollups: rollups.map((r) => ({
          componentId: r.component_id,
          labels: r.labels,
          minuteStartMs: new Date(r.minute).getTime(),
          last: r.last,
          lastTs: r.last_at === null ? null : new Date(r.last_at).getTime(),
        })),
      };
    },
  };
}

interface FiringRow {
  component_id: string;
  rule_id: string;
  labels_key: string;
  rule_kind: string;
  labels: Record<string, string> | string;
  last_fired_at: Date;
}
interface RollupRow {
  component_id: string;
  labels: Record<string, string>;
  minute: Date;
  last: number;
  last_at: Date | null;
}

/** UPDATE … RETURNING answers [rows, count] through TypeORM's postgres driver. */
function rowsOf<T>(res: T[] | [T[], number]): T[] {
  return Array.isArray(res[0]) ? res[0] : (res as T[]);
}
