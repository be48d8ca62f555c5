import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";

describe("rules API", () => {
  let app: TestApp;
  let a: Awaited<ReturnType<typeof makeContract>>;
  let b: Awaited<ReturnType<typeof makeContract>>;
  let customerA: string;
  const cpu = {
    kind: "threshold",
    name: "CPU",
    metric: "node_cpu_busy_ratio",
    op: ">",
    threshold: 0.8,
  };

  beforeAll(async () => {
    app = await startTestApp();
    a = await makeContract(app.api, { components: ["a-1", "a-2"] });
    b = await makeContract(app.api);
    customerA = (await makeUser(app.api, "customer", a.contract.id)).token;
  });
  afterAll(() => app?.stop());

  it("seeds the default pack once as global rules", async () => {
    const res = await app.api("get", "/rules?scope=global");
    expect(res.status).toBe(200);
    expect(res.body.items.map((r: { packKey: string }) => r.packKey).sort()).toEqual([
      "agent_silent",
      "cpu_high",
      "cpu_high_windows",
      "disk_full",
      "memory_low",
    ]);
    expect(
      res.body.items.find((r: { packKey: string }) => r.packKey === "disk_full"),
    ).toMatchObject({
      metric: "node_filesystem_avail_bytes",
      divideBy: "node_filesystem_size_bytes",
      op: "<",
      threshold: 0.1,
      recoveryThreshold: 0.12,
      forSeconds: 60,
      severity: "critical",
    });
    expect(res.body.items.find((r: { packKey: string }) => r.packKey === "cpu_high")).toMatchObject(
      {
        metric: "node_cpu_seconds_total",
        matchers: { mode: "idle" },
        counter: "rate",
        windowSeconds: 120,
        aggregate: "avg",
        aggregateBy: [],
        complement: true,
        op: ">",
        threshold: 0.9,
      },
    );
  });

  it("names the offending field of an invalid rule", async () => {
    const cases: [unknown, string][] = [
      [{ ...cpu, op: undefined }, "op"],
      [{ ...cpu, metric: "cpu busy" }, "metric"],
      [{ ...cpu, op: "~" }, "op"],
      [{ ...cpu, threshold: "high" }, "threshold"],
      [{ ...cpu, recoveryThreshold: 0.95 }, "recoveryThreshold"],
      [{ ...cpu, forSeconds: -1 }, "forSeconds"],
      [{ ...cpu, divideBy: "node_cpu_busy_ratio" }, "divideBy"],
      [{ kind: "absence_component", name: "silent" }, "absenceSeconds"],
      [{ ...cpu, counter: "rate" }, "windowSeconds"],
      [{ ...cpu, counter: "rate", windowSeconds: 60, divideBy: "x" }, "counter"],
      [{ ...cpu, aggregate: "median" }, "aggregate"],
      [{ ...cpu, aggregateBy: ["cpu"] }, "aggregateBy"],
      [{ kind: "absence_component", name: "s", absenceSeconds: 60, complement: true }, "kind"],
      [{ kind: "absence_series", name: "gone", absenceSeconds: 60 }, "metric"],
      [{ ...cpu, componentId: "00000000-0000-4000-8000-000000000000" }, "componentId"],
      [{ ...cpu, contractId: "00000000-0000-4000-8000-000000000000" }, "contractId"],
      [{ ...cpu, contractId: b.contract.id, componentId: a.components[0].id }, "contractId"],
      [{ ...cpu, surprise: 1 }, ""],
    ];
    for (const [body, field] of cases) {
      const res = await app.api("post", "/rules", { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe("VALIDATION");
      expect(
        res.body.issues.map((i: { path: string }) => i.path),
        JSON.stringify(body),
      ).toContain(field);
    }
  });

  it("creates, changes and deletes a component rule, auditing each change", async () => {
    const comp = a.components[0].id;
    const created = await app.api("post", "/rules", { body: { ...cpu, componentId: comp } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      scope: "component",
      contractId: a.contract.id,
      componentId: comp,
    });
    const id = created.body.id;
    const patched = await app.api("patch", `/rules/${id}`, {
      body: { threshold: 0.7, severity: "critical" },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ threshold: 0.7, severity: "critical" });
    const badPatch = await app.api("patch", `/rules/${id}`, { body: { recoveryThreshold: 0.9 } });
    expect(badPatch.body.issues).toEqual([expect.objectContaining({ path: "recoveryThreshold" })]);
    const scopeChange = await app.api("patch", `/rules/${id}`, {
      body: { contractId: b.contract.id },
    });
    expect(scopeChange.status).toBe(400);
    expect((await app.api("get", `/rules?componentId=${comp}`)).body.items).toHaveLength(1);
    expect((await app.api("delete", `/rules/${id}`)).status).toBe(204);
    expect((await app.api("get", `/rules/${id}`)).status).toBe(404);
    const audit = await app.api("get", `/audit-log?entityType=rule&entityId=${id}`);
    expect(audit.body.items.map((r: { action: string }) => r.action)).toEqual([
      "rule.delete",
      "rule.update",
      "rule.create",
    ]);
    expect(audit.body.items[1]).toMatchObject({
      contractId: a.contract.id,
      before: { threshold: 0.8 },
      after: { threshold: 0.7 },
    });
  });

  it("refuses to delete a default-pack rule (disable it instead) and a second override of one key", async () => {
    const pack = (await app.api("get", "/rules?scope=global")).body.items[0];
    const del = await app.api("delete", `/rules/${pack.id}`);
    expect(del.status).toBe(409);
    const off = {
      kind: "threshold",
      name: "no disk alerts",
      packKey: "disk_full",
      enabled: false,
      contractId: b.contract.id,
    };
    expect((await app.api("post", "/rules", { body: off })).status).toBe(201);
    expect((await app.api("post", "/rules", { body: off })).status).toBe(409);
  });

  it("shows a customer the rules in force for its own contract, overrides applied, and no one else's", async () => {
    await app.api("post", "/rules", {
      body: {
        kind: "threshold",
        name: "no CPU",
        packKey: "cpu_high",
        enabled: false,
        contractId: a.contract.id,
      },
    });
    await app.api("post", "/rules", {
      body: { ...cpu, name: "a-2 CPU", packKey: "cpu_high", componentId: a.components[1].id },
    });
    const res = await app.api("get", `/contracts/${a.contract.id}/rules`, { token: customerA });
    expect(res.status).toBe(200);
    const keys = (rules: { packKey: string | null; name: string }[]) =>
      rules.map((r) => r.packKey ?? r.name).sort();
    expect(keys(res.body.rules)).toEqual([
      "agent_silent",
      "cpu_high_windows",
      "disk_full",
      "memory_low",
    ]);
    const byName = Object.fromEntries(res.body.components.map((c: any) => [c.name, c]));
    expect(keys(byName["a-1"].rules)).toEqual([
      "agent_silent",
      "cpu_high_windows",
      "disk_full",
      "memory_low",
    ]);
    expect(
      byName["a-2"].rules.find((r: { packKey: string }) => r.packKey === "cpu_high"),
    ).toMatchObject({ name: "a-2 CPU", threshold: 0.8 });
    expect(
      (await app.api("get", `/contracts/${b.contract.id}/rules`, { token: customerA })).status,
    ).toBe(404);
    const bRules = (await app.api("get", `/contracts/${b.contract.id}/rules`)).body;
    expect(keys(bRules.rules)).toEqual([
      "agent_silent",
      "cpu_high",
      "cpu_high_windows",
      "memory_low",
    ]);
  });

  it("lets only admin and NOC manage rules", async () => {
    for (const role of ["customer", "oncall"] as const) {
      const u = await makeUser(app.api, role, role === "customer" ? a.contract.id : null);
      const res = await app.api("post", "/rules", {
        token: u.token,
        body: { ...cpu, contractId: a.contract.id },
      });
      expect(res.status).toBe(403);
      expect((await app.api("get", "/rules", { token: u.token })).status).toBe(403);
    }
    const noc = await makeUser(app.api, "noc");
    expect((await app.api("post", "/rules", { token: noc.token, body: cpu })).status).toBe(201);
  });
});
