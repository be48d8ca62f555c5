// An incident's timeline rows: each append is one change, returned with the names its
// listeners need (customer, plan, component) so they make no query of their own.
import type { EntityManager } from "typeorm";
import {
  ComponentEntity,
  ContractEntity,
  IncidentEventEntity,
  UserEntity,
  type IncidentEntity,
} from "../db/entities/index.js";
import { managerOf, type Tx } from "../db/unit-of-work.js";
import type { IncidentChange, TimelineEntry } from "./events.js";

export interface TimelineStore {
  /** Writes the entry in `tx`; the change it returns is what listeners are told. */
  append(tx: Tx, incident: IncidentEntity, entry: TimelineEntry): Promise<IncidentChange>;
}

type Context = Pick<IncidentChange, "contract" | "component">;

export function createTimelineStore(): TimelineStore {
  // Names do not change within one transaction: a change's several timeline entries
  // (opened, routed, paged…) look them up once. Keyed by the transaction's manager.
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

  return {
    async append(tx, incident, entry) {
      const m = managerOf(tx);
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
      return {
        kind: entry.kind,
        incident: { ...incident },
        event,
        ...(await contextOf(m, incident)),
        ...(entry.page ? { page: entry.page } : {}),
      };
    },
  };
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
