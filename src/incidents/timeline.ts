// Appends one entry to an incident's timeline and tells the hub, inside the caller's
// transaction. The caller hands the returned change to hub.afterCommit once committed.
import type { EntityManager } from "typeorm";
import type { Actor } from "../access/actor.js";
import {
  ComponentEntity,
  ContractEntity,
  IncidentEventEntity,
  UserEntity,
  type IncidentEntity,
} from "../db/entities/index.js";
import type { IncidentChange, IncidentEventKind, PageTarget } from "./events.js";
import type { IncidentHub } from "./hub.js";

export interface TimelineEntry {
  kind: IncidentEventKind;
  at: Date;
  /** A user, or a name for the platform itself ("rule engine", "scheduler"). */
  actor: Actor | string;
  note?: string | null;
  data?: Record<string, unknown>;
  /** Internal NOC notes are hidden from the customer portal. */
  customerVisible?: boolean;
  page?: PageTarget;
}

export async function appendTimeline(
  m: EntityManager,
  hub: IncidentHub,
  incident: IncidentEntity,
  entry: TimelineEntry,
): Promise<IncidentChange> {
  const actorId = typeof entry.actor === "string" ? null : entry.actor.userId;
  const actorName =
    typeof entry.actor === "string"
      ? entry.actor
      : ((await m.findOneBy(UserEntity, { id: entry.actor.userId }))?.displayName ?? "user");
  const event = await m.save(
    IncidentEventEntity,
    m.create(IncidentEventEntity, {
      incidentId: incident.id,
      contractId: incident.contractId,
      at: entry.at,
      kind: entry.kind,
      actorId,
      actorName,
      note: entry.note ?? null,
      data: entry.data ?? {},
      customerVisible: entry.customerVisible ?? true,
    }),
  );
  const { contract, component } = await contextOf(m, incident);
  const change: IncidentChange = {
    kind: entry.kind,
    incident: { ...incident },
    event,
    contract,
    component,
    ...(entry.page ? { page: entry.page } : {}),
  };
  await hub.inTransaction(m, change);
  return change;
}

type Context = {
  contract: { id: string; customerName: string; plan: string };
  component: { id: string; name: string } | null;
};
// Names do not change within one transaction: a change's several timeline entries (opened,
// routed, paged…) look them up once. Keyed by the transaction's manager, so never stale.
const contexts = new WeakMap<EntityManager, Map<string, Context>>();

async function contextOf(m: EntityManager, incident: IncidentEntity): Promise<Context> {
  if (!m.queryRunner?.isTransactionActive) return loadContext(m, incident);
  let perTx = contexts.get(m);
  if (!perTx) contexts.set(m, (perTx = new Map<string, Context>()));
  const key = `${incident.contractId}/${incident.componentId ?? ""}`;
  const known = perTx.get(key);
  if (known) return known;
  const ctx = await loadContext(m, incident);
  perTx.set(key, ctx);
  return ctx;
}

async function loadContext(m: EntityManager, incident: IncidentEntity): Promise<Context> {
  const contract = await m.findOneByOrFail(ContractEntity, { id: incident.contractId });
  const component = incident.componentId
    ? await m.findOneBy(ComponentEntity, { id: incident.componentId })
    : null;
  return {
    contract: { id: contract.id, customerName: contract.customerName, plan: contract.plan },
    component: component ? { id: component.id, name: component.name } : null,
  };
}
