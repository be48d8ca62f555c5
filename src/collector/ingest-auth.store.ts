// What the ingest token check reads: a live token with its contract's state, and the
// contract's (or the token's one) components.
import type { DataSource } from "typeorm";

export interface IngestTokenRow {
  token_id: string;
  contract_id: string;
  component_id: string | null;
  scope: string;
  status: string;
  instance_label: string;
  suspended_from: Date | null;
  suspension_kind: string | null;
}

export interface IngestComponentRow {
  id: string;
  name: string;
  cap_relaxations: number;
  /** YYYY-MM-DD, or null while it has no end date. */
  active_until: string | null;
}

export interface IngestAuthStore {
  /** The live (unrevoked) token with this hash, and its contract's state. */
  liveToken(tokenHash: string): Promise<IngestTokenRow | undefined>;
  /** A contract's components, or only `componentId` when given. */
  components(contractId: string, componentId: string | null): Promise<IngestComponentRow[]>;
}

export function createIngestAuthStore(db: DataSource): IngestAuthStore {
  return {
    liveToken: async (tokenHash) => {
      const rows = await db.query<IngestTokenRow[]>(
        `SELECT t.id AS token_id, t.contract_id, t.component_id, t.scope, c.status, c.instance_label,
                c.suspended_from, c.suspension_kind
           FROM agent_tokens t JOIN contracts c ON c.id = t.contract_id
          WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
        [tokenHash],
      );
      return rows[0];
    },
    components: (contractId, componentId) =>
      db.query<IngestComponentRow[]>(
        `SELECT id, name, cap_relaxations, active_until::text AS active_until FROM components WHERE contract_id = $1 ${componentId ? "AND id = $2" : ""}`,
        componentId ? [contractId, componentId] : [contractId],
      ),
  };
}
