import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";

// The NOC board aggregate: health per component, incidents by severity, quota, warnings.
// Incidents, quota units and outbox rows are inserted directly: the board only reads them.
const NOW = new Date("2026-11-20T03:00:00Z");

describe("GET /noc/board", () => {
  let app: TestApp;
  let std: Awaited<ReturnType<typeof makeContract>>;
  let entry: Awaited<ReturnType<typeof makeContract>>;
  const sql = (q: string, p: unknown[] = []) => app.platform.db.dataSource.query(q, p);
  const incident = (contractId: string, componentId: string, o: Record<string, unknown>) =>
    sql(
      `INSERT INTO incidents (contract_id, component_id, rule_name, rule_kind, labels_key, severity, state,
         opened_at, last_fired_at) VALUES ($1, $2, $3, $4, '', $5, $6, $7, $7) RETURNING id`,
      [
        contractId,
        componentId,
        o.rule ?? "cpu high",
        o.kind ?? "threshold",
        o.severity ?? "warning",
        o.state ?? "open",
        o.openedAt ?? new Date(NOW.getTime() - 600_000),
      ],
    ).then((rows: { id: string }[]) => rows[0]!.id);

  beforeAll(async () => {
    app = await startTestApp({ now: NOW });
    std = await makeContract(app.api, {
      plan: "standard",
      components: ["up", "silent", "down", "maint", "never"],
    });
    entry = await makeContract(app.api, { plan: "entry", components: ["e1"] });
    const [up, silent, down, maint] = std.components.map((c: { id: string }) => c.id);
    await sql(`UPDATE components SET last_seen_at = $2 WHERE id = ANY($1::uuid[])`, [
      [up, down, maint],
      new Date(NOW.getTime() - 30_000),
    ]);
    await sql(`UPDATE components SET last_seen_at = $2 WHERE id = $1`, [
      silent,
      new Date(NOW.getTime() - 3_600_000),
    ]);
    await incident(std.contract.id, down!, { kind: "absence_component", severity: "critical" });
    await incident(std.contract.id, up!, {
      severity: "warning",
      openedAt: new Date("2026-11-19T00:00:00Z"),
    });
    await incident(std.contract.id, up!, { rule: "old", state: "resolved" });
    const q = await incident(std.contract.id, up!, {
      rule: "mem",
      state: "acknowledged",
      severity: "info",
    });
    await sql(
      `INSERT INTO response_quota_units (contract_id, month, incident_id, ordinal, overage, taken_at)
       VALUES ($1, '2026-11', $2, 1, false, $3)`,
      [std.contract.id, q, NOW],
    );
    // A weekly window that started weeks ago covers "maint" now; an expired one-off does not.
    await sql(
      `INSERT INTO maintenance_windows (contract_id, component_id, starts_at, ends_at, recurrence, reason)
       VALUES ($1, $2, $3, $4, 'weekly', 'patching'), ($1, $5, '2026-11-01T00:00Z', '2026-11-01T01:00Z', 'none', 'old')`,
      [
        std.contract.id,
        maint,
        new Date(NOW.getTime() - 21 * 86_400_000 - 60_000),
        new Date(NOW.getTime() - 21 * 86_400_000 + 3_600_000),
        up,
      ],
    );
    await sql(
      `INSERT INTO outbox_messages (idempotency_key, channel, recipient, contract_id, event, payload, state, next_attempt_at)
       VALUES ('k1', 'email', 'a@example.jp', $1, 'incident.opened', '{}', 'failed', now()),
              ('k2', 'email', 'a@example.jp', $1, 'incident.opened', '{}', 'sent', now())`,
      [std.contract.id],
    );
  });
  afterAll(() => app?.stop());

  it("summarises every active contract for the NOC", async () => {
    const noc = await makeUser(app.api, "noc");
    const res = await app.api("get", "/noc/board", { token: noc.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const s = res.body.contracts.find((c: { id: string }) => c.id === std.contract.id);
    expect(s.plan).toBe("standard");
    expect(s.components).toEqual({ total: 5, up: 1, down: 1, silent: 2, maintenance: 1 });
    expect(s.incidents).toEqual({
      critical: 1,
      warning: 1,
      info: 1,
      oldestOpenedAt: "2026-11-19T00:00:00.000Z",
    });
    expect(s.quota).toEqual({ quota: 3, used: 1, remaining: 2, overage: 0 });
    expect(s.runbookMissing).toBe(true);
    expect(s.failedNotifications).toBe(1);
    const e = res.body.contracts.find((c: { id: string }) => c.id === entry.contract.id);
    expect(e.runbookMissing).toBe(false); // Entry buys no human response: nothing is missing
    expect(e.components).toEqual({ total: 1, up: 0, down: 0, silent: 1, maintenance: 0 });
  });

  it("lists the active incidents newest first with their component, not the resolved ones", async () => {
    const res = await app.api("get", "/noc/board");
    expect(res.body.activeIncidents).toBe(3);
    const opened = res.body.incidents.map((i: { openedAt: string }) => i.openedAt);
    expect(opened).toEqual([...opened].sort().reverse());
    expect(opened.at(-1)).toBe("2026-11-19T00:00:00.000Z");
    expect(res.body.incidents.map((i: { ruleName: string }) => i.ruleName).sort()).toEqual([
      "cpu high",
      "cpu high",
      "mem",
    ]);
    expect(res.body.incidents.every((i: { state: string }) => i.state !== "resolved")).toBe(true);
    expect(res.body.incidents[0].componentName).toMatch(/^(up|down)$/);
    expect(Number(res.body.version)).toBeGreaterThanOrEqual(0);
  });

  it("drops the runbook warning once an incident runbook is on file", async () => {
    await app.api("post", `/contracts/${std.contract.id}/runbooks`, {
      body: { kind: "incident", name: "main", content: "call us" },
    });
    const res = await app.api("get", "/noc/board");
    const s = res.body.contracts.find((c: { id: string }) => c.id === std.contract.id);
    expect(s.runbookMissing).toBe(false);
  });

  it("refuses customers", async () => {
    const customer = await makeUser(app.api, "customer", std.contract.id);
    const res = await app.api("get", "/noc/board", { token: customer.token });
    expect(res.status).toBe(403);
  });

  it("reports a component's cap usage to its own customer only", async () => {
    const own = await makeUser(app.api, "customer", std.contract.id);
    const id = std.components[0].id;
    const res = await app.api("get", `/components/${id}/cap`, { token: own.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      componentId: id,
      cap: 200,
      capRelaxations: 0,
      seriesPerStep: 200,
    });
    expect(res.body.activeSeries).toBe(0);
    const other = await makeUser(app.api, "customer", entry.contract.id);
    expect((await app.api("get", `/components/${id}/cap`, { token: other.token })).status).toBe(
      404,
    );
  });
});
