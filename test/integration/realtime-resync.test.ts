import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRealtimeStore } from "../../src/realtime/realtime.store.js";
import { resync } from "../../src/realtime/resync.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";
import { collect, connect, drained, fireAlert, waitFor } from "./realtime.helpers.js";

type Made = Awaited<ReturnType<typeof makeContract>>;

// Reconnect without losing incident updates, and live metric streams with their tenancy.
describe("realtime: resync and metric streams", () => {
  let app: TestApp;
  let a: Made;
  let b: Made;
  let customerA: { token: string };
  let noc: { token: string };
  const sockets: Socket[] = [];
  const open = async (token: string) => {
    const s = await connect(app.url, { token });
    sockets.push(s);
    return s;
  };
  const target = (c: Made) => ({ contractId: c.contract.id, componentId: c.components[0].id });
  const maxVersion = (events: { version: string }[]) =>
    events.reduce((m, e) => (BigInt(e.version) > BigInt(m) ? e.version : m), "0");

  beforeAll(async () => {
    app = await startTestApp({ env: { ROLES: "api,collector,realtime" } });
    a = await makeContract(app.api, { plan: "entry", components: ["db-01", "db-02"] });
    b = await makeContract(app.api, { plan: "entry" });
    customerA = await makeUser(app.api, "customer", a.contract.id);
    noc = await makeUser(app.api, "noc");
  });
  afterEach(() => {
    sockets.splice(0).forEach((s) => s.close());
    app.platform.realtime!.streams.start(); // a test that drove the rounds itself stopped it
  });
  afterAll(() => app?.stop());

  it("resyncs every change made while disconnected, scoped to the customer", async () => {
    const staff = await open(noc.token);
    const cust = await open(customerA.token);
    const staffSeen = collect(staff, "incident");
    const custSeen = collect(cust, "incident");
    const first = await fireAlert(app, target(a), "cpu high");
    await waitFor(staffSeen, (e) => e.incident.id === first);
    await waitFor(custSeen, (e) => e.incident.id === first);
    const staffSince = maxVersion(staffSeen);
    const custSince = maxVersion(custSeen);
    staff.close();
    cust.close();

    const ack = await app.api("post", `/incidents/${first}/acknowledge`, {
      token: noc.token,
      body: {},
    });
    expect(ack.status).toBe(200);
    const second = await fireAlert(app, { ...target(a), componentId: a.components[1].id }, "disk");
    const other = await fireAlert(app, target(b), "load");

    const staffAgain = await open(noc.token);
    const custAgain = await open(customerA.token);
    const staffSync = await staffAgain.emitWithAck("resync", { since: staffSince });
    const custSync = await custAgain.emitWithAck("resync", { since: custSince });
    expect(staffSync).toMatchObject({ ok: true, truncated: false });
    const byId = (r: typeof staffSync) =>
      new Map<string, any>(r.incidents.map((i: any) => [i.incident.id, i]));
    const staffById = byId(staffSync);
    expect([...staffById.keys()]).toEqual(expect.arrayContaining([first, second, other]));
    expect(staffById.get(first).incident.state).toBe("acknowledged");
    const custById = byId(custSync);
    expect(custById.get(first).incident).toMatchObject({ state: "acknowledged" });
    expect(custById.get(second).incident).toMatchObject({ componentName: "db-02" });
    expect(custById.has(other)).toBe(false);
    // The version to resume from covers everything returned.
    for (const r of [staffSync, custSync])
      for (const i of r.incidents) expect(BigInt(i.version)).toBeLessThanOrEqual(BigInt(r.version));
    expect(BigInt(staffSync.version)).toBeGreaterThan(BigInt(staffSince));
  });

  it("tells the client to reload when too much changed or its version is unknown", async () => {
    await fireAlert(app, target(a), "reload-1");
    await fireAlert(app, target(a), "reload-2");
    const ds = createRealtimeStore(app.platform.db.dataSource);
    const bounded = await resync(ds, { kind: "all" }, "0", { maxIncidents: 1 });
    expect(bounded).toMatchObject({ truncated: true, incidents: [] });
    expect(BigInt(bounded.version)).toBeGreaterThan(0n);
    const ahead = await resync(ds, { kind: "all" }, "999999999999", {});
    expect(ahead).toMatchObject({ truncated: true, version: bounded.version });
    const full = await resync(ds, { kind: "contract", contractId: b.contract.id }, "0");
    expect(full.truncated).toBe(false);
    expect(full.incidents.every((i) => i.incident.contractId === b.contract.id)).toBe(true);
  });

  it("streams a component's latest points, throttled, and only to its own customer", async () => {
    const component = a.components[0];
    const token = (await app.api("post", `/components/${component.id}/agent-token`)).body.token;
    const pushAt = async (tsMs: number, v: number) => {
      const res = await fetch(`${app.url}/api/v1/ingest/agent`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          version: 1,
          agent: { name: "msp-agent", version: "1.0.0" },
          os: "linux",
          host: "db-01",
          series: [
            { name: "cpu_usage", labels: { cpu: "0" }, samples: [[tsMs, v]] },
            { name: "mem_used", labels: {}, samples: [[tsMs, v * 2]] },
          ],
        }),
      });
      expect(res.status, await res.text()).toBeLessThan(300);
    };
    // The test drives the throttle's rounds itself (its timer is stopped), so the pushes
    // between two rounds cannot straddle a wall-clock interval on a slow machine.
    const streams = app.platform.realtime!.streams;
    streams.stop();
    const now = app.clock.now().getTime();
    await pushAt(now - 2_000, 10);
    const cust = await open(customerA.token);
    const series = collect(cust, "series");
    const sub = await cust.emitWithAck("subscribe:series", {
      componentId: component.id,
      seriesId: 'cpu_usage{cpu="0"}',
    });
    expect(sub).toMatchObject({ ok: true, subscriptions: 1 });
    streams.tick();
    const firstEvent = await waitFor(series, () => true, 3_000);
    expect(firstEvent.series).toEqual([
      {
        key: 'cpu_usage{cpu="0"}',
        labels: { __name__: "cpu_usage", cpu: "0" },
        points: [[now - 2_000, 10]],
      },
    ]);
    for (let i = 1; i <= 5; i++) await pushAt(now - 2_000 + i * 100, 10 + i);
    streams.tick();
    const next = await waitFor(series, (e) => e !== firstEvent, 3_000);
    // Only new points, and all five in one event: at most one update per round.
    expect(next.series[0].points.map((p: number[]) => p[1])).toEqual([11, 12, 13, 14, 15]);
    await drained(cust);
    expect(series).toHaveLength(2);
    expect(
      await cust.emitWithAck("unsubscribe:series", {
        componentId: component.id,
        seriesId: 'cpu_usage{cpu="0"}',
      }),
    ).toMatchObject({ ok: true, removed: true, subscriptions: 0 });
    await pushAt(now, 99);
    streams.tick();
    await drained(cust);
    expect(series).toHaveLength(2);
  });

  it("publishes a component's cap_reached to noc and its own customer only", async () => {
    const component = a.components[1];
    const token = (await app.api("post", `/components/${component.id}/agent-token`)).body.token;
    const staff = await open(noc.token);
    const cust = await open(customerA.token);
    const customerB = await makeUser(app.api, "customer", b.contract.id);
    const other = await open(customerB.token);
    const staffSeen = collect(staff, "component");
    const custSeen = collect(cust, "component");
    const otherSeen = collect(other, "component");
    const ts = app.clock.now().getTime() - 1_000;
    const res = await fetch(`${app.url}/api/v1/ingest/agent`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        version: 1,
        agent: { name: "msp-agent", version: "1.0.0" },
        os: "linux",
        host: "db-02",
        series: Array.from({ length: 205 }, (_, i) => ({
          name: `m_${i}`,
          labels: {},
          samples: [[ts, i]],
        })),
      }),
    });
    expect(res.status).toBeGreaterThanOrEqual(200); // partial acceptance is still an answer
    await app.platform.collector!.flush();
    const event = await waitFor(custSeen, () => true);
    expect(event).toMatchObject({
      kind: "cap_reached",
      componentId: component.id,
      contractId: a.contract.id,
      cap: 200,
    });
    await waitFor(staffSeen, (e) => e.componentId === component.id);
    await drained(other); // one broadcast reached noc and A: B's socket has had its turn
    expect(otherSeen).toEqual([]);
  });

  it("refuses another contract's component and too many subscriptions", async () => {
    const cust = await open(customerA.token);
    const foreign = await cust.emitWithAck("subscribe:series", { componentId: b.components[0].id });
    expect(foreign).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    for (let i = 0; i < 20; i++) {
      const ok = await cust.emitWithAck("subscribe:series", {
        componentId: a.components[0].id,
        seriesId: `m_${i}{}`,
      });
      expect(ok.ok).toBe(true);
    }
    const over = await cust.emitWithAck("subscribe:series", { componentId: a.components[1].id });
    expect(over).toMatchObject({ ok: false, error: { code: "LIMIT_EXCEEDED" } });
    const staff = await open(noc.token);
    expect(
      await staff.emitWithAck("subscribe:series", { componentId: b.components[0].id }),
    ).toMatchObject({ ok: true });
  });
});
