import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract } from "../support/factories.js";

// Detection on arrival end to end: the bundled agent's JSON batches over real HTTP, the
// default rule pack seeded at start, the rule engine in the ingest pass, the incident
// engine behind it. The clock is injected; the absence sweep is driven with it.
describe("rule engine over HTTP ingest", () => {
  let app: TestApp;
  const now = () => app.clock.now().getTime();

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  async function agent(components = ["vm-01"]) {
    const { contract, components: made } = await makeContract(app.api, { components });
    const tokens = [];
    for (const c of made)
      tokens.push((await app.api("post", `/components/${c.id}/agent-token`)).body.token as string);
    return { contract, component: made[0], token: tokens[0]!, components: made };
  }

  /** One agent batch at the current clock time, then waits for the incident engine. */
  async function push(token: string, series: [string, Record<string, string>, number][]) {
    const res = await fetch(`${app.url}/api/v1/ingest/agent`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        version: 1,
        agent: { name: "msp-agent", version: "0.1.0" },
        os: "linux",
        host: "vm",
        series: series.map(([name, labels, v]) => ({ name, labels, samples: [[now(), v]] })),
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    await app.platform.incidents.whenIdle();
  }

  const incidents = async (componentId: string) =>
    (await app.api("get", `/incidents?componentId=${componentId}&limit=50`)).body.items as {
      ruleName: string;
      ruleKind: string;
      state: string;
      labelsKey: string;
      resolution: string | null;
      repeatCount: number;
    }[];

  /** node_exporter's idle counter of one CPU: the pack's CPU rule is 1 − its rate. */
  const idle = (v: number): [string, Record<string, string>, number] => [
    "node_cpu_seconds_total",
    { cpu: "0", mode: "idle" },
    v,
  ];

  it("opens an incident once a breach has held for `for`, and auto-resolves on recovery", async () => {
    const { component, token } = await agent();
    // Idle 3 s a minute (busy 95 %); the first sample only starts the rate window.
    for (let i = 0; i <= 5; i++) {
      await push(token, [idle(i * 3)]);
      app.clock.advance(60_000);
    }
    expect(await incidents(component.id)).toEqual([]); // breaching from 60 s: 240 s, not yet
    await push(token, [idle(18)]); // 360 s: 300 s of breach
    const [opened] = await incidents(component.id);
    expect(opened).toMatchObject({ ruleName: "CPU busy above 90%", state: "open", labelsKey: "" });
    app.clock.advance(30_000);
    await push(token, [idle(48)]); // fully idle since: busy 63 % over the window, recovering
    app.clock.advance(60_000);
    await push(token, [idle(108)]);
    const [resolved] = await incidents(component.id);
    expect(resolved).toMatchObject({ state: "resolved", resolution: "auto" });
  });

  it("opens exactly one incident per filesystem for a series flapping inside the hysteresis band", async () => {
    const { component, token } = await agent();
    const fs = (mountpoint: string, avail: number): [string, Record<string, string>, number][] => {
      const labels = { device: `dev${mountpoint.length}`, fstype: "ext4", mountpoint };
      return [
        ["node_filesystem_avail_bytes", labels, avail],
        ["node_filesystem_size_bytes", labels, 100],
      ];
    };
    // /data flaps between 5% (breach) and 11% (inside the 10-12% band); / never breaches.
    const flap = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await push(token, [...fs("/data", i % 2 === 0 ? 5 : 11), ...fs("/", 50)]);
        app.clock.advance(30_000);
      }
    };
    await flap(10); // never below 10% for the whole 60 s `for`: nothing
    expect(await incidents(component.id)).toEqual([]);
    for (let i = 0; i < 3; i++) {
      await push(token, [...fs("/data", 5), ...fs("/", 50)]);
      app.clock.advance(30_000);
    }
    await flap(20); // fired; the flapping that follows joins the one incident
    const list = await incidents(component.id);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      ruleName: "Filesystem space below 10%",
      state: "open",
      labelsKey: "device=dev5,fstype=ext4,mountpoint=/data",
    });
    expect(list[0]!.repeatCount).toBeGreaterThan(1); // repeats joined it
  });

  it("opens agent_silent after the sweep for a component gone quiet, and resolves when it is back", async () => {
    const { component, token, components } = await agent(["vm-01", "vm-never-seen"]);
    await push(token, [["node_load1", {}, 1]]);
    app.clock.advance(119_000);
    app.platform.rules!.engine.sweep(now());
    await app.platform.incidents.whenIdle();
    expect(await incidents(component.id)).toEqual([]);
    app.clock.advance(2_000);
    app.platform.rules!.engine.sweep(now());
    await app.platform.incidents.whenIdle();
    expect(await incidents(component.id)).toMatchObject([
      { ruleKind: "absence_component", ruleName: "Agent silent", state: "open" },
    ]);
    expect(await incidents(components[1].id)).toEqual([]); // never seen: cannot go silent
    await push(token, [["node_load1", {}, 1]]);
    expect(await incidents(component.id)).toMatchObject([{ state: "resolved" }]);
  });

  it("sends nothing for a terminated contract", async () => {
    const { contract, component, token } = await agent();
    await push(token, [["node_load1", {}, 1]]);
    const terminated = await app.api("post", `/contracts/${contract.id}/terminate`);
    expect(terminated.status, JSON.stringify(terminated.body)).toBe(200);
    await app.platform.rules!.reload();
    app.clock.advance(600_000);
    app.platform.rules!.engine.sweep(now());
    await app.platform.incidents.whenIdle();
    expect(await incidents(component.id)).toEqual([]);
  });

  it("applies a contract's override switching a pack rule off, at once after the API call", async () => {
    const { contract, component, token } = await agent();
    const off = await app.api("post", "/rules", {
      body: {
        kind: "threshold",
        contractId: contract.id,
        packKey: "cpu_high",
        name: "no CPU alerts",
        enabled: false,
      },
    });
    expect(off.status, JSON.stringify(off.body)).toBe(201);
    await app.platform.rules!.reload(); // the API already asked; this waits for it
    for (let i = 0; i <= 7; i++) {
      await push(token, [idle(i * 0.6)]);
      app.clock.advance(60_000);
    }
    expect(await incidents(component.id)).toEqual([]);
  });
});
