import { afterAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/infra/clock.js";
import { loadConfig } from "../../src/infra/config.js";
import { createLogger } from "../../src/infra/logger.js";
import { startPlatform, type Platform } from "../../src/platform/platform.js";
import { apiClient, loginAdmin, type ApiClient } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";
import { makeContract } from "../support/factories.js";

// Rule timers survive a restart: a key with an unresolved incident is firing again at start
// (a continuing breach repeats into it, a recovery resolves it), and a component seen before
// the stop can go silent after it (its stored lastSeenAt).
describe("rule engine restart", () => {
  let db: TestDatabase;
  let platform: Platform | undefined;
  afterAll(async () => {
    await platform?.stop().catch(() => undefined);
    await db?.drop();
  });

  const clock = fixedClock(new Date("2026-11-20T03:00:00Z"));
  const start = async (): Promise<{ p: Platform; api: ApiClient }> => {
    const config = loadConfig({
      PORT: "0",
      DATA_DIR: db.dataDir,
      LOG_LEVEL: "silent",
      ROLES: "api,collector",
      // One incident per component: continuity across restarts is under test, not grouping.
      INCIDENT_GROUP_WINDOW_S: "0",
      ...(db.url ? { DATABASE_URL: db.url } : {}),
    });
    const p = await startPlatform(config, { log: createLogger("silent"), clock });
    let token = "";
    const api = apiClient(`${p.url}/api/v1`, () => token);
    const admin = p.bootstrapAdmin ?? first!;
    first = admin;
    token = await loginAdmin(api, admin);
    return { p, api };
  };
  let first: { email: string; password: string } | undefined;

  const push = async (p: Platform, token: string, value: number) => {
    const res = await fetch(`${p.url}/api/v1/ingest/agent`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        version: 1,
        agent: { name: "msp-agent", version: "0.1.0" },
        os: "linux",
        host: "vm",
        series: [
          { name: "node_cpu_busy_ratio", labels: {}, samples: [[clock.now().getTime(), value]] },
        ],
      }),
    });
    expect(res.status).toBe(200);
    await p.incidents.whenIdle();
  };
  const incidentsOf = async (api: ApiClient, componentId: string) =>
    (await api("get", `/incidents?componentId=${componentId}`)).body.items;

  it("keeps firing keys and silence timers across a stop and start on the same database", async () => {
    db = await createTestDatabase();
    let { p, api } = await start();
    platform = p;
    const { contract, components } = await makeContract(api, {
      components: ["hot", "quiet", "steady"],
    });
    // A plain gauge rule (the pack's CPU rule rates a counter, whose window starts afresh).
    const gauge = await api("post", "/rules", {
      body: {
        kind: "threshold",
        contractId: contract.id,
        packKey: "cpu_high",
        name: "CPU busy above 90%",
        metric: "node_cpu_busy_ratio",
        op: ">",
        threshold: 0.9,
        forSeconds: 300,
        recoveryThreshold: 0.8,
        recoveryForSeconds: 60,
      },
    });
    expect(gauge.status).toBe(201);
    await p.rules!.reload();
    const [hot, quiet, steady] = components;
    const tok: string[] = [];
    for (const c of components)
      tok.push((await api("post", `/components/${c.id}/agent-token`)).body.token);
    for (let i = 0; i <= 5; i++) {
      await push(p, tok[0]!, 0.99);
      await push(p, tok[2]!, 0.99);
      if (i === 5) await push(p, tok[1]!, 0.1); // last seen at the stop
      clock.advance(60_000);
    }
    expect(await incidentsOf(api, hot.id)).toMatchObject([{ state: "open", repeatCount: 1 }]);
    await p.stop();
    platform = undefined;

    clock.advance(30_000);
    ({ p, api } = await start());
    platform = p;
    await push(p, tok[0]!, 0.2); // hot recovers: recoveryFor 60 s
    await push(p, tok[2]!, 0.99); // steady still breaching: a repeat, not a second incident
    clock.advance(61_000);
    await push(p, tok[0]!, 0.2);
    await push(p, tok[2]!, 0.99);
    // "quiet" was last seen 151 s ago, but nobody could push while the platform was down:
    // its silence counts from the restart (61 s), under the rule's 120 s.
    p.rules!.engine.sweep(clock.now().getTime());
    await p.incidents.whenIdle();
    expect(await incidentsOf(api, quiet.id)).toEqual([]);

    expect(await incidentsOf(api, hot.id)).toMatchObject([
      { state: "resolved", resolution: "auto" },
    ]);
    const [s] = await incidentsOf(api, steady.id);
    expect((await incidentsOf(api, steady.id)).length).toBe(1);
    expect(s).toMatchObject({ state: "open" });
    expect(s.repeatCount).toBeGreaterThan(1);
    const pack = await api("get", "/rules?scope=global");
    expect(pack.body.total).toBe(5); // seeding at start is idempotent
    clock.advance(60_000); // 121 s since the restart
    await push(p, tok[0]!, 0.2);
    await push(p, tok[2]!, 0.99);
    p.rules!.engine.sweep(clock.now().getTime());
    await p.incidents.whenIdle();
    expect(await incidentsOf(api, quiet.id)).toMatchObject([
      { ruleKind: "absence_component", state: "open" },
    ]);
  });
});
