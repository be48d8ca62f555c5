import { describe, expect, it } from "vitest";
import type { Actor } from "../access/actor.js";
import type { AuditEntry } from "../audit/audit.js";
import type { ContractEntity, OutageEntity } from "../db/entities/index.js";
import { inMemoryUnitOfWork } from "../db/unit-of-work.js";
import { notFound } from "../shared/errors.js";
import type { BillingDeps, BillingStore } from "./billing.store.js";
import { closeOutage, createOutage, getOutageView } from "./outages.js";

const NOW = new Date("2026-11-10T03:00:00Z");
const actor: Actor = {
  via: "session",
  userId: "u1",
  credentialId: "k1",
  role: "noc",
  contractId: null,
};

/** The part of BillingStore the outage verbs use, over arrays, scoped like the SQL. */
function memoryOutages(contracts: string[]) {
  const outages: OutageEntity[] = [];
  const audit: AuditEntry[] = [];
  const inScope = (scope: { kind: string; contractId?: string }, contractId: string) =>
    scope.kind === "all" || scope.contractId === contractId;
  const store: Partial<BillingStore> = {
    contract: (_tx, scope, id) =>
      contracts.includes(id) && inScope(scope, id)
        ? Promise.resolve({ id } as ContractEntity)
        : Promise.reject(notFound("contract")),
    outage(_tx, scope, id) {
      const row = outages.find((o) => o.id === id && inScope(scope, o.contractId));
      return row ? Promise.resolve({ ...row }) : Promise.reject(notFound("outage"));
    },
    addOutage(_tx, row) {
      const saved = { ...row, id: `o${outages.length + 1}`, createdAt: NOW, updatedAt: NOW };
      outages.push(saved);
      return Promise.resolve({ ...saved } as OutageEntity);
    },
    saveOutage(_tx, row) {
      outages.splice(
        outages.findIndex((o) => o.id === row.id),
        1,
        { ...row },
      );
      return Promise.resolve({ ...row });
    },
    audit: (_tx, entry) => (audit.push(entry), Promise.resolve()),
  };
  const deps: BillingDeps = { uow: inMemoryUnitOfWork, store: store as BillingStore };
  return { deps, outages, audit };
}

const input = (over: Record<string, unknown> = {}) => ({
  scope: "managed" as const,
  cause: null,
  knownAt: "2026-11-10T01:00:00Z",
  restoredAt: null,
  description: "disk array down",
  incidentId: null,
  ...over,
});

describe(createOutage.name, () => {
  it("records an outage with its audit row", async () => {
    const { deps, outages, audit } = memoryOutages(["c1"]);
    const view = await createOutage(deps, actor, "c1", input(), NOW);
    expect(view).toMatchObject({
      contractId: "c1",
      open: true,
      knownAt: "2026-11-10T01:00:00.000Z",
    });
    expect(outages).toHaveLength(1);
    expect(audit.map((a) => [a.action, a.entityId, a.before])).toEqual([
      ["outage.create", view.id, null],
    ]);
  });

  it("refuses times in the future or a restoration before the start, by field", async () => {
    const { deps, outages } = memoryOutages(["c1"]);
    await expect(
      createOutage(deps, actor, "c1", input({ knownAt: "2026-11-10T04:00:00Z" }), NOW),
    ).rejects.toMatchObject({ code: "VALIDATION", issues: [{ path: "knownAt" }] });
    await expect(
      createOutage(deps, actor, "c1", input({ restoredAt: "2026-11-10T00:00:00Z" }), NOW),
    ).rejects.toMatchObject({ code: "VALIDATION", issues: [{ path: "restoredAt" }] });
    expect(outages).toHaveLength(0);
  });

  it("rejects another contract: an unknown contract is not found", async () => {
    const { deps } = memoryOutages(["c1"]);
    await expect(createOutage(deps, actor, "c2", input(), NOW)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe(closeOutage.name, () => {
  it("closes an open outage once; a second close is a conflict that changes nothing", async () => {
    const { deps, outages, audit } = memoryOutages(["c1"]);
    const { id } = await createOutage(deps, actor, "c1", input(), NOW);
    const closed = await closeOutage(deps, actor, id, { restoredAt: "2026-11-10T02:00:00Z" }, NOW);
    expect(closed).toMatchObject({ open: false, restoredAt: "2026-11-10T02:00:00.000Z" });
    await expect(
      closeOutage(deps, actor, id, { restoredAt: "2026-11-10T02:30:00Z" }, NOW),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(outages[0]!.restoredAt).toEqual(new Date("2026-11-10T02:00:00Z"));
    expect(audit.map((a) => a.action)).toEqual(["outage.create", "outage.close"]);
  });
});

describe(getOutageView.name, () => {
  it("rejects another contract: its outage is not found for a customer", async () => {
    const { deps } = memoryOutages(["c1", "c2"]);
    const { id } = await createOutage(deps, actor, "c1", input(), NOW);
    await expect(
      getOutageView(deps, { kind: "contract", contractId: "c2" }, id),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await getOutageView(deps, { kind: "contract", contractId: "c1" }, id)).id).toBe(id);
  });
});
