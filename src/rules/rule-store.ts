// The engine's reads (rules, which components may alert, what was firing before a restart)
// and the idempotent seeding of the default pack.
import type { DataSource, EntityManager } from "typeorm";
import { recordAudit } from "../audit/audit.js";
import { RuleEntity } from "../db/entities/index.js";
import type { Aggregate } from "../domain/rules/aggregate.js";
import type { CounterFn } from "../domain/rules/counter-window.js";
import { DEFAULT_PACK } from "../domain/rules/default-pack.js";
import type { RuleKind, RuleOp, RuleSpec, Severity } from "../domain/rules/rule.js";
import { jstDateOf } from "../domain/time/jst.js";
import type { FiringKey } from "./engine-state.js";
import type { DirectoryEntry } from "./rule-engine.js";

export function toRuleSpec(r: RuleEntity): RuleSpec {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as RuleKind,
    contractId: r.contractId,
    componentId: r.componentId,
    packKey: r.packKey,
    enabled: r.enabled,
    metric: r.metric,
    divideBy: r.divideBy,
    matchers: r.matchers ?? {},
    op: r.op as RuleOp | null,
    threshold: r.threshold,
    forSeconds: r.forSeconds,
    recoveryThreshold: r.recoveryThreshold,
    recoveryForSeconds: r.recoveryForSeconds,
    absenceSeconds: r.absenceSeconds,
    severity: r.severity as Severity,
    counter: r.counter as CounterFn | null,
    windowSeconds: r.windowSeconds,
    aggregate: r.aggregate as Aggregate | null,
    aggregateBy: r.aggregateBy ?? [],
    complement: r.complement ?? false,
  };
}

export async function loadRuleSpecs(m: EntityManager): Promise<RuleSpec[]> {
  const rows = await m.find(RuleEntity, { order: { createdAt: "ASC", id: "ASC" } });
  return rows.map(toRuleSpec);
}

/**
 * Every component with its contract and whether it may alert: the contract is active and
 * the component's last active day (if any) is still ahead — on its last day its agent
 * token is already revoked, so its silence is expected.
 */
export async function loadDirectory(
  db: DataSource,
  now: Date,
): Promise<Map<string, DirectoryEntry>> {
  const rows = await db.query<
    { id: string; contract_id: string; active_until: string | null; status: string }[]
  >(
    `SELECT c.id, c.contract_id, c.active_until::text AS active_until, k.status
       FROM components c JOIN contracts k ON k.id = c.contract_id`,
  );
  const today = jstDateOf(now.getTime());
  return new Map(
    rows.map((r) => [
      r.id,
      {
        contractId: r.contract_id,
        eligible: r.status === "active" && (r.active_until === null || r.active_until > today),
      },
    ]),
  );
}

/** When components were last seen (as the collectors flushed it), seen after `since` if given. */
export async function loadLastSeen(db: DataSource, since?: Date): Promise<Map<string, number>> {
  const rows = await db.query<{ id: string; last_seen_at: Date }[]>(
    since
      ? `SELECT id, last_seen_at FROM components WHERE last_seen_at > $1`
      : `SELECT id, last_seen_at FROM components WHERE last_seen_at IS NOT NULL`,
    since ? [since] : [],
  );
  return new Map(rows.map((r) => [r.id, new Date(r.last_seen_at).getTime()]));
}

export async function loadFiringKeys(db: DataSource): Promise<FiringKey[]> {
  const rows = await db.query<
    {
      component_id: string;
      rule_id: string;
      labels_key: string;
      rule_kind: string;
      labels: Record<string, string> | string;
      last_fired_at: Date;
    }[]
  >(
    `SELECT mb.component_id, mb.rule_id, mb.labels_key, i.rule_kind, mb.labels, mb.last_fired_at
       FROM incident_members mb JOIN incidents i ON i.id = mb.incident_id
      WHERE mb.active AND i.state <> 'resolved'`,
  );
  return rows.map((r) => ({
    componentId: r.component_id,
    ruleId: r.rule_id,
    labelsKey: r.labels_key,
    ruleKind: r.rule_kind,
    labels:
      typeof r.labels === "string" ? (JSON.parse(r.labels) as Record<string, string>) : r.labels,
    lastFiredMs: new Date(r.last_fired_at).getTime(),
  }));
}

/** Inserts the pack rules missing as global rules; safe when several instances start at once. */
export async function seedDefaultPack(db: DataSource, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('msp.rules.default-pack'))");
    const existing = await tx.query<{ pack_key: string }[]>(
      `SELECT pack_key FROM rules WHERE contract_id IS NULL AND component_id IS NULL AND pack_key IS NOT NULL`,
    );
    const have = new Set(existing.map((r) => r.pack_key));
    let added = 0;
    for (const p of DEFAULT_PACK) {
      if (have.has(p.packKey)) continue;
      const row = await tx.save(
        tx.create(RuleEntity, {
          ...p,
          aggregateBy: [...p.aggregateBy],
          contractId: null,
          componentId: null,
          enabled: true,
          createdBy: null,
        }),
      );
      await recordAudit(tx, {
        actor: "system",
        at: now,
        action: "rule.seed",
        entityType: "rule",
        entityId: row.id,
        contractId: null,
        before: null,
        after: toRuleSpec(row),
      });
      added++;
    }
    return added;
  });
}
