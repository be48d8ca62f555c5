// "All components of a contract silent at once proposes an outage to the NOC" (issue #5):
// when the last active component goes silent, the NOC sees a proposal on the incident.
import type { EntityManager } from "typeorm";
import {
  ComponentEntity,
  IncidentEntity,
  type IncidentEntity as Incident,
} from "../db/entities/index.js";
import { jstDateOf } from "../domain/time/jst.js";
import type { Changes, IncidentDeps } from "./incident-tx.js";
import { appendTimeline } from "./timeline.js";

export async function proposeOutageIfAllSilent(
  m: EntityManager,
  deps: IncidentDeps,
  incident: Incident,
  at: Date,
  changes: Changes,
): Promise<void> {
  const today = jstDateOf(at.getTime());
  const active = await m
    .createQueryBuilder(ComponentEntity, "c")
    .where("c.contract_id = :id AND c.active_from <= :today", { id: incident.contractId, today })
    .andWhere("(c.active_until IS NULL OR c.active_until >= :today)", { today })
    .getCount();
  const silent = await m
    .createQueryBuilder(IncidentEntity, "i")
    .select("COUNT(DISTINCT i.component_id)", "n")
    .where("i.contract_id = :id AND i.rule_kind = 'absence_component'", { id: incident.contractId })
    .andWhere("i.state <> 'resolved'")
    .getRawOne<{ n: string }>();
  if (active === 0 || Number(silent?.n ?? 0) < active) return;
  changes.push(
    await appendTimeline(m, deps.hub, incident, {
      kind: "outage_proposed",
      at,
      actor: "rule engine",
      note: `all ${active} components of the contract are silent: declare an outage?`,
      data: { components: active },
      customerVisible: false,
    }),
  );
}
