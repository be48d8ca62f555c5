import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";
import { alertFor, incidentsOf, uploadIncidentRunbook } from "../support/incidents.js";
import { outboxRows, setContacts, waitUntil } from "./notify-helpers.js";

// A mass outage (issue 11, decision 0014): one rule on many components of one contract is
// one incident — one quota unit, one page, one e-mail per contact naming the components — and
// the rest of the platform keeps serving other tenants meanwhile.
describe("alert storm", () => {
  let app: TestApp;
  const MIN = 60_000;

  beforeAll(async () => {
    app = await startTestApp({ env: { ROLES: "api,collector,notify" } });
    const engineer = await makeUser(app.api, "oncall");
    const rotation = await app.api("post", "/oncall/rotations", {
      body: {
        name: "first line",
        line: "first",
        memberIds: [engineer.user.id],
        startsAt: "2026-11-01T00:00:00Z",
        shiftHours: 24 * 31,
      },
    });
    expect(rotation.status).toBe(201);
  });
  afterAll(() => app?.stop());

  const names = (n: number, prefix = "vm") =>
    Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, "0")}`);

  async function standardContract(components: string[]) {
    const { contract, components: made } = await makeContract(app.api, {
      plan: "standard",
      components,
    });
    await uploadIncidentRunbook(app, contract.id);
    const tag = contract.id.slice(0, 8);
    const contacts = [`ja-${tag}@customer.test`, `en-${tag}@customer.test`];
    await setContacts(app, contract.id, [
      { name: "運用担当", email: contacts[0]!, language: "ja" },
      { name: "Ops", email: contacts[1]!, language: "en" },
    ]);
    return { contractId: contract.id as string, components: made as { id: string }[], contacts };
  }

  const customerMail = (contractId: string) =>
    outboxRows(app, "contract_id = $1 AND channel = 'email' AND event <> 'page'", [contractId]);
  const detail = async (id: string) => (await app.api("get", `/incidents/${id}`)).body;

  it("makes 200 components breaching at once one incident: one unit, one page, one e-mail per contact", async () => {
    const t = await standardContract(names(200));
    const ruleId = randomUUID();
    const t0 = app.clock.now().getTime();
    t.components.forEach((c, i) =>
      app.platform.incidents.fire(
        alertFor(
          app,
          { contractId: t.contractId, componentId: c.id },
          { ruleId, atMs: t0 + i * 4 },
        ),
      ),
    );
    await app.platform.incidents.whenIdle();

    const incidents = await incidentsOf(app, t.contractId);
    expect(incidents).toHaveLength(1);
    const [group] = incidents;
    expect(group).toMatchObject({ memberCount: 200, membersTotal: 200, countsQuota: true });
    expect((await app.api("get", `/contracts/${t.contractId}/quota`)).body.used).toBe(1);
    const members = (await detail(group.id)).members as { componentName: string }[];
    expect(members.map((m) => m.componentName).sort()).toEqual(names(200));

    const sent = await waitUntil(
      () => outboxRows(app, "contract_id = $1 AND state = 'sent'", [t.contractId]),
      (r) => r.length >= 3,
      "opened e-mails and the page",
    );
    expect(sent.filter((r) => r.event === "page")).toHaveLength(1);
    const opened = sent.filter((r) => r.event === "incident.opened");
    expect(opened.map((r) => r.recipient).sort()).toEqual([...t.contacts].sort());
    const en = opened.find((r) => r.recipient === t.contacts[1])!;
    expect(en.payload.text).toContain("vm-000");
    // Nothing else reached the customer during the storm (a follow-up may wait its turn).
    const mail = await customerMail(t.contractId);
    expect(mail.filter((r) => r.state === "sent")).toHaveLength(2);
    expect(mail.filter((r) => r.state === "queued").every((r) => r.event === "incident.grew")).toBe(
      true,
    );

    // A minute later two more join it: no new incident, unit or page; one follow-up each.
    app.clock.advance(MIN);
    const extra = await makeContractComponents(t.contractId, ["late-1", "late-2"]);
    for (const c of extra)
      app.platform.incidents.fire(
        alertFor(app, { contractId: t.contractId, componentId: c.id }, { ruleId }),
      );
    await app.platform.incidents.whenIdle();
    expect(await incidentsOf(app, t.contractId)).toMatchObject([
      { id: group.id, memberCount: 202, membersTotal: 202 },
    ]);
    expect((await app.api("get", `/contracts/${t.contractId}/quota`)).body.used).toBe(1);
    app.clock.advance(5 * MIN);
    app.platform.notifier.wake();
    const after = await waitUntil(
      () => customerMail(t.contractId),
      (r) => r.filter((x) => x.event === "incident.grew" && x.state === "sent").length === 2,
      "one follow-up per contact",
    );
    const followups = after.filter((r) => r.event === "incident.grew");
    expect(followups.map((r) => r.recipient).sort()).toEqual([...t.contacts].sort());
    const enUp = followups.find((r) => r.recipient === t.contacts[1])!;
    expect(enUp.payload.text).toContain("202 still failing");
    expect(enUp.payload.text).toContain("late-1");
    expect(enUp.payload.inReplyTo).toBe(`<incident-${group.id}@localhost>`);
    expect(
      (await outboxRows(app, "contract_id = $1 AND event = 'page'", [t.contractId])).length,
    ).toBe(1);

    // Members that recover leave; the incident resolves with the last.
    const all = [...t.components, ...extra];
    for (const c of all.slice(0, -1))
      app.platform.incidents.clear(
        { componentId: c.id, ruleId, labelsKey: "" },
        app.clock.now().getTime(),
      );
    await app.platform.incidents.whenIdle();
    expect(await incidentsOf(app, t.contractId)).toMatchObject([
      { state: "open", memberCount: 1, membersTotal: 202 },
    ]);
    app.platform.incidents.clear(
      { componentId: all.at(-1)!.id, ruleId, labelsKey: "" },
      app.clock.now().getTime(),
    );
    await app.platform.incidents.whenIdle();
    expect(await incidentsOf(app, t.contractId)).toMatchObject([
      { state: "resolved", resolution: "auto", memberCount: 0 },
    ]);
  });

  it("sends one quota-overage notice per contract and day, however many incidents are overage", async () => {
    const t = await standardContract(names(6));
    // Six different rules: six incidents, three of them beyond the monthly quota of 3.
    for (const c of t.components)
      app.platform.incidents.fire(
        alertFor(app, { contractId: t.contractId, componentId: c.id }, { ruleId: randomUUID() }),
      );
    await app.platform.incidents.whenIdle();
    expect((await incidentsOf(app, t.contractId)).filter((i) => i.overage)).toHaveLength(3);
    const overage = await outboxRows(app, "contract_id = $1 AND event = 'incident.quota_overage'", [
      t.contractId,
    ]);
    expect(overage.map((r) => r.recipient).sort()).toEqual([...t.contacts].sort());
  });

  it("makes most of a contract's components falling silent one 'contract unreachable' incident", async () => {
    const t = await standardContract(names(4, "db"));
    const ruleId = randomUUID();
    const silent = (c: { id: string }) =>
      alertFor(
        app,
        { contractId: t.contractId, componentId: c.id },
        {
          ruleId,
          ruleKind: "absence_component",
          ruleName: "agent_silent",
          metric: null,
          value: null,
          threshold: null,
        },
      );
    for (const c of t.components.slice(0, 2)) app.platform.incidents.fire(silent(c));
    await app.platform.incidents.whenIdle();
    const [half] = await incidentsOf(app, t.contractId);
    expect(half).toMatchObject({ scope: "component", memberCount: 2 }); // 2 of 4: not most
    app.platform.incidents.fire(silent(t.components[2]!));
    await app.platform.incidents.whenIdle();
    const [most] = await incidentsOf(app, t.contractId);
    expect(most).toMatchObject({ id: half.id, scope: "contract", memberCount: 3 });
    const proposals = ((await detail(most.id)).timeline as { kind: string; note: string }[]).filter(
      (e) => e.kind === "outage_proposed",
    );
    expect(proposals).toHaveLength(1);
    expect(proposals[0]!.note).toContain("3 of 4");
    app.platform.incidents.fire(silent(t.components[3]!));
    await app.platform.incidents.whenIdle();
    expect(
      ((await detail(most.id)).timeline as { kind: string }[]).filter(
        (e) => e.kind === "outage_proposed",
      ),
    ).toHaveLength(1);
  });

  it("answers other tenants' pushes while a storm is applied, and never calls them silent", async () => {
    const storm = await standardContract(names(120, "s"));
    const { components: healthy } = await makeContract(app.api, { components: ["ok-1", "ok-2"] });
    const tokens: string[] = [];
    for (const c of healthy)
      tokens.push((await app.api("post", `/components/${c.id}/agent-token`)).body.token);
    const push = (token: string) =>
      fetch(`${app.url}/api/v1/ingest/agent`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          version: 1,
          agent: { name: "msp-agent", version: "0.1.0" },
          os: "linux",
          host: "ok",
          series: [{ name: "node_load1", labels: {}, samples: [[app.clock.now().getTime(), 0.5]] }],
        }),
      });
    for (const tk of tokens) expect((await push(tk)).status).toBe(200);

    const ruleId = randomUUID();
    app.clock.advance(1_000); // the next samples are new ones
    for (const c of storm.components)
      app.platform.incidents.fire(
        alertFor(app, { contractId: storm.contractId, componentId: c.id }, { ruleId }),
      );
    // The storm is still being applied, yet the other tenant's pushes are answered.
    expect(app.platform.incidents.queueDepth).toBeGreaterThan(0);
    const during = await Promise.all(tokens.map((tk) => push(tk)));
    expect(during.map((r) => r.status)).toEqual([200, 200]);
    await app.platform.incidents.whenIdle();

    // Two minutes on, they kept pushing: the sweep calls nobody silent.
    for (let s = 0; s < 4; s++) {
      app.clock.advance(30_000);
      for (const tk of tokens) expect((await push(tk)).status).toBe(200);
      app.platform.rules!.engine.sweep(app.clock.now().getTime());
    }
    await app.platform.incidents.whenIdle();
    for (const c of healthy)
      expect((await app.api("get", `/incidents?componentId=${c.id}`)).body.items).toEqual([]);
    expect(await incidentsOf(app, storm.contractId)).toHaveLength(1);
  });

  it("counts no silence while pushes were refused for the platform's own fault", async () => {
    const { components } = await makeContract(app.api, { components: ["held-1"] });
    const token = (await app.api("post", `/components/${components[0].id}/agent-token`)).body
      .token as string;
    const push = () =>
      fetch(`${app.url}/api/v1/ingest/agent`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          version: 1,
          agent: { name: "msp-agent", version: "0.1.0" },
          os: "linux",
          host: "held",
          series: [{ name: "node_load1", labels: {}, samples: [[app.clock.now().getTime(), 1]] }],
        }),
      });
    app.clock.advance(1_000);
    expect((await push()).status).toBe(200);
    // 100 s later the database is unreachable for its token check: 503, send again later.
    app.clock.advance(100_000);
    const auth = app.platform.collector!.auth;
    const resolve = auth.resolve.bind(auth);
    auth.resolve = () => Promise.reject(new Error("connection terminated"));
    try {
      const refused = await push();
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).not.toBeNull();
    } finally {
      auth.resolve = resolve;
    }
    // 130 s after its last sample, but only 30 s after the platform could take it again.
    app.clock.advance(30_000);
    app.platform.rules!.engine.sweep(app.clock.now().getTime());
    await app.platform.incidents.whenIdle();
    expect((await app.api("get", `/incidents?componentId=${components[0].id}`)).body.items).toEqual(
      [],
    );
    app.clock.advance(91_000); // 121 s since then: now it is silent
    app.platform.rules!.engine.sweep(app.clock.now().getTime());
    await app.platform.incidents.whenIdle();
    expect(
      (await app.api("get", `/incidents?componentId=${components[0].id}`)).body.items,
    ).toMatchObject([{ ruleKind: "absence_component" }]);
  });

  async function makeContractComponents(contractId: string, list: string[]) {
    const out: { id: string }[] = [];
    for (const name of list) {
      const c = await app.api("post", `/contracts/${contractId}/components`, {
        body: { name, os: "linux" },
      });
      expect(c.status).toBe(201);
      out.push(c.body);
    }
    return out;
  }
});
