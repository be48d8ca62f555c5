// The explicit publication of incident changes: a use case records, then the hub tells its
// named listeners, inside the transaction (outbox: commits with the change) and after commit
// (sockets: only what is durable).
import { describe, expect, it } from "vitest";
import { acknowledgeIncident } from "./acknowledge-incident.js";
import { incidentTx } from "./incident-tx.js";
import { rejection, world } from "./testing/harness.js";

describe(incidentTx.name, () => {
  it("publishes the recorded changes in order: in the transaction, then after commit", async () => {
    const w = world();
    const contract = w.contract("entry");
    const incident = w.incident(contract.id);
    const seen: string[] = [];
    w.deps.hub.addListener({
      name: "order probe",
      inTransaction: (_tx, c) => {
        // Still inside: the row is written, the after-commit side has heard nothing yet.
        expect(w.told.afterCommit).toHaveLength(0);
        seen.push(`tx:${c.kind}:${c.event.id}`);
        return Promise.resolve();
      },
      afterCommit: (c) => void seen.push(`commit:${c.kind}:${c.event.id}`),
    });
    await incidentTx(w.deps, async (_tx, changes) => {
      await changes.record(incident, { kind: "note", at: w.clock.now(), actor: "test" });
      await changes.record(incident, { kind: "repeated", at: w.clock.now(), actor: "test" });
      expect(seen).toEqual([]); // recording tells nobody
    });
    expect(seen).toEqual(["tx:note:1", "tx:repeated:2", "commit:note:1", "commit:repeated:2"]);
    expect(w.deps.hub.listenerNames).toEqual(["test recorder", "order probe"]);
  });

  it("rolls the change back when an in-transaction listener fails, and tells nobody after", async () => {
    const w = world();
    const contract = w.contract("entry");
    const incident = w.incident(contract.id);
    const noc = w.user("noc");
    w.deps.hub.addListener({
      name: "failing outbox",
      inTransaction: () => Promise.reject(new Error("outbox unavailable")),
    });
    const err = await rejection(acknowledgeIncident(w.deps, w.actor(noc), incident.id, {}));
    expect(err.message).toBe("outbox unavailable");
    expect(w.row(incident.id).state).toBe("open");
    expect(w.db.tables.events).toEqual([]);
    expect(w.db.tables.audit).toEqual([]);
    expect(w.told.afterCommit).toEqual([]);
  });

  it("keeps a committed change when an after-commit listener throws; the others still hear it", async () => {
    const w = world();
    const contract = w.contract("entry");
    const incident = w.incident(contract.id);
    const noc = w.user("noc");
    w.deps.hub.addListener({
      name: "broken socket",
      afterCommit: () => {
        throw new Error("socket gone");
      },
    });
    const heard: string[] = [];
    w.deps.hub.addListener({ name: "late", afterCommit: (c) => void heard.push(c.kind) });
    await acknowledgeIncident(w.deps, w.actor(noc), incident.id, {});
    expect(w.row(incident.id).state).toBe("acknowledged");
    expect(heard).toEqual(["acknowledged"]);
  });
});
