import { describe, expect, it } from "vitest";
import type { Actor } from "../access/actor.js";
import { inMemoryUnitOfWork } from "../db/unit-of-work.js";
import { listRules, rulesInForce } from "./read-rules.js";
import { createRule, deleteRule, updateRule, type RulesDeps } from "./manage-rules.js";
import { InMemoryRuleStore } from "./testing/in-memory-rule-store.js";
import { NewRule } from "./views.js";

const NOW = new Date("2026-01-01T00:00:00Z");
const K1 = "00000000-0000-4000-8000-000000000001";
const K2 = "00000000-0000-4000-8000-000000000002";
const C1 = "00000000-0000-4000-8000-00000000000a";
const C2 = "00000000-0000-4000-8000-00000000000b";
const noc: Actor = {
  via: "session",
  userId: "u-noc",
  credentialId: "c1",
  role: "noc",
  contractId: null,
};
const customer = (contractId: string): Actor => ({
  via: "session",
  userId: "u-cust",
  credentialId: "c2",
  role: "customer",
  contractId,
});
const cpu = (extra: Partial<NewRule> = {}) =>
  NewRule.parse({
    kind: "threshold",
    name: "cpu high",
    metric: "cpu_busy",
    op: ">",
    threshold: 0.9,
    ...extra,
  });

function setup() {
  const rules = new InMemoryRuleStore();
  rules.addComponent(C1, K1, "db-01");
  rules.addComponent(C2, K2, "web-01");
  let changed = 0;
  const deps: RulesDeps = { uow: inMemoryUnitOfWork, rules, onRulesChanged: () => changed++ };
  return { deps, rules, changes: () => changed };
}

describe(createRule.name, () => {
  it("takes the contract from the component, audits the rule and tells the engine", async () => {
    const { deps, rules, changes } = setup();
    const view = await createRule(deps, noc, cpu({ componentId: C1 }), NOW);
    expect(view).toMatchObject({ scope: "component", contractId: K1, componentId: C1 });
    expect(rules.audits).toEqual([
      expect.objectContaining({ action: "rule.create", entityId: view.id, contractId: K1 }),
    ]);
    expect(changes()).toBe(1);
  });

  it("rejects a component of another contract, naming the field", async () => {
    const { deps, rules } = setup();
    await expect(
      createRule(deps, noc, cpu({ contractId: K2, componentId: C1 }), NOW),
    ).rejects.toMatchObject({
      code: "VALIDATION",
      issues: [{ path: "contractId" }],
    });
    await expect(
      createRule(deps, noc, cpu({ componentId: "00000000-0000-4000-8000-0000000000ff" }), NOW),
    ).rejects.toMatchObject({ issues: [{ path: "componentId" }] });
    expect(rules.rules.size).toBe(0);
  });

  it("refuses a second rule with the same packKey in one scope, not in another", async () => {
    const { deps } = setup();
    await createRule(deps, noc, cpu({ contractId: K1, packKey: "cpu" }), NOW);
    await expect(
      createRule(deps, noc, cpu({ contractId: K1, packKey: "cpu" }), NOW),
    ).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(
      createRule(deps, noc, cpu({ contractId: K2, packKey: "cpu" }), NOW),
    ).resolves.toMatchObject({
      contractId: K2,
    });
  });

  it("checks an enabled rule against its kind", async () => {
    const { deps } = setup();
    await expect(createRule(deps, noc, cpu({ op: null }), NOW)).rejects.toMatchObject({
      code: "VALIDATION",
    });
  });
});

describe(updateRule.name, () => {
  it("keeps its own packKey, records before and after", async () => {
    const { deps, rules } = setup();
    const r = await createRule(deps, noc, cpu({ contractId: K1, packKey: "cpu" }), NOW);
    const after = await updateRule(deps, noc, r.id, { packKey: "cpu", threshold: 0.95 }, NOW);
    expect(after.threshold).toBe(0.95);
    expect(rules.audits.at(-1)).toMatchObject({
      action: "rule.update",
      before: expect.objectContaining({ threshold: 0.9 }),
      after: expect.objectContaining({ threshold: 0.95 }),
    });
  });
});

describe(deleteRule.name, () => {
  it("refuses a global default-pack rule and deletes others", async () => {
    const { deps, rules } = setup();
    const pack = await createRule(deps, noc, cpu({ packKey: "cpu" }), NOW);
    await expect(deleteRule(deps, noc, pack.id, NOW)).rejects.toMatchObject({ code: "CONFLICT" });
    const own = await createRule(deps, noc, cpu({ contractId: K1 }), NOW);
    await deleteRule(deps, noc, own.id, NOW);
    expect([...rules.rules.keys()]).toEqual([pack.id]);
    await expect(deleteRule(deps, noc, own.id, NOW)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe(rulesInForce.name, () => {
  it("applies overrides per component and rejects another contract", async () => {
    const { deps } = setup();
    const global = await createRule(deps, noc, cpu({ packKey: "cpu" }), NOW);
    const override = await createRule(deps, noc, cpu({ componentId: C1, packKey: "cpu" }), NOW);
    await createRule(deps, noc, cpu({ contractId: K2, name: "other tenant" }), NOW);
    const view = await rulesInForce(deps, customer(K1), K1);
    expect(view.rules.map((r) => r.id)).toEqual([global.id]);
    expect(view.components).toEqual([
      { componentId: C1, name: "db-01", rules: [expect.objectContaining({ id: override.id })] },
    ]);
    await expect(rulesInForce(deps, customer(K1), K2)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe(listRules.name, () => {
  it("filters by scope and contract and pages oldest first", async () => {
    const { deps } = setup();
    const g = await createRule(deps, noc, cpu(), NOW);
    const k1 = await createRule(deps, noc, cpu({ contractId: K1 }), NOW);
    const c1 = await createRule(deps, noc, cpu({ componentId: C1 }), NOW);
    await createRule(deps, noc, cpu({ contractId: K2 }), NOW);
    const ids = async (q: Parameters<typeof listRules>[1]) =>
      (await listRules(deps, q)).items.map((r) => r.id);
    expect(await ids({ scope: "global", limit: 10, offset: 0 })).toEqual([g.id]);
    expect(await ids({ contractId: K1, limit: 10, offset: 0 })).toEqual([k1.id, c1.id]);
    expect(await listRules(deps, { limit: 1, offset: 1 })).toMatchObject({
      total: 4,
      items: [{ id: k1.id }],
    });
  });
});
