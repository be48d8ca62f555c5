// The outbox writer, a listener of the incident hub: inside the transaction that changes an
// incident, it writes the messages the change causes (so both commit or neither does); after
// the commit it wakes the in-process worker so an e-mail leaves within milliseconds.
import { ContactEntity } from "../db/entities/index.js";
import { managerOf, type Tx } from "../db/unit-of-work.js";
import type { DigestPolicy } from "../domain/notify/digest.js";
import { planIncidentMessages, type Endpoint } from "../domain/notify/plan.js";
import type { IncidentChange, IncidentListener } from "../incidents/events.js";
import type { Clock } from "../infra/clock.js";
import { composeIncidentMessage, incidentFacts, type ComposeSettings } from "./compose.js";
import { jstDateOf } from "../domain/time/jst.js";
import { queueFollowups } from "./group-followup.js";
import type { OutboxStore } from "./outbox.store.js";
import { mergeStorm } from "./storm-digest.js";

export interface ListenerSettings extends ComposeSettings {
  digest: DigestPolicy;
  /** A grouped incident's follow-up e-mail to the customer at most this often. */
  followupEveryMs: number;
}

// Kinds that may cause a message; every other kind costs no query at all. `opened` is not
// one of them by design: the customer's "incident opened" notice is sent on `routed`, the
// routing outcome, because it states the response the plan pays for; an incident held by
// maintenance or a suspension is announced only once routed, one resolved before never.
const NOTIFYING = new Set([
  "routed",
  "acknowledged",
  "resolved",
  "reopened",
  "quota_overage",
  "members_changed",
  "paged",
  "escalated",
]);

export class OutboxListener implements IncidentListener {
  readonly name = "outbox writer";
  constructor(
    private readonly deps: { clock: Clock; wake: () => void; outbox: OutboxStore },
    private readonly settings: ListenerSettings,
  ) {}

  async inTransaction(tx: Tx, change: IncidentChange): Promise<void> {
    if (!NOTIFYING.has(change.kind) || change.incident.suppressed) return;
    const m = managerOf(tx);
    const contractId = change.contract.id;
    const contacts = await m.find(ContactEntity, {
      where: { contractId },
      order: { email: "ASC" },
    });
    if (change.kind === "members_changed") {
      await queueFollowups(
        this.deps.outbox,
        tx,
        change,
        contacts,
        this.settings,
        this.deps.clock.now(),
      );
      return;
    }
    const hooks = await m.query<(Endpoint & { contractId: string | null })[]>(
      `SELECT id, events, contract_id AS "contractId" FROM webhook_endpoints
       WHERE enabled AND (contract_id = $1 OR contract_id IS NULL) ORDER BY created_at, id`,
      [contractId],
    );
    const planned = planIncidentMessages({
      kind: change.kind,
      incidentId: change.incident.id,
      suppressed: change.incident.suppressed,
      routed: change.incident.routedAt !== null && change.incident.tier !== null,
      reopenCount: change.incident.reopenCount,
      page: change.page,
      contacts,
      customerWebhooks: hooks.filter((h) => h.contractId === contractId),
      staffWebhooks: hooks.filter((h) => h.contractId === null),
    });
    if (planned.length === 0) return;
    const now = this.deps.clock.now();
    const facts = incidentFacts(change, this.settings.publicUrl);
    let rows = planned.map((p) => composeIncidentMessage(p, change, facts, this.settings, now));
    // One quota-overage notice per contract and JST day, whatever the number of incidents.
    const day = jstDateOf(now.getTime());
    rows = rows.map((r) =>
      r.event === "incident.quota_overage"
        ? { ...r, key: `quota_overage:${contractId}:${day}:${r.recipient}:${r.channel}` }
        : r,
    );
    if (planned.some((p) => p.event === "incident.opened")) {
      rows = await mergeStorm(
        this.deps.outbox,
        tx,
        rows,
        {
          contractId,
          contractName: change.contract.customerName,
          incidentId: change.incident.id,
          openedAt: new Date(change.incident.openedAt),
          facts,
          publicUrl: this.settings.publicUrl,
        },
        this.settings.digest,
        now,
      );
    }
    await this.deps.outbox.enqueue(tx, rows, now);
  }

  afterCommit(change: IncidentChange): void {
    if (NOTIFYING.has(change.kind) && !change.incident.suppressed) this.deps.wake();
  }
}
