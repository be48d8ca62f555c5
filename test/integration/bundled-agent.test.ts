import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract } from "../support/factories.js";

// The real bundled agent (agents/, plain Node) pushing this machine's metrics to the real
// collector: proves the agent's payload and the collector's JSON endpoint agree.
describe("bundled agent → collector", () => {
  let app: TestApp;
  let agent: ChildProcess;
  let componentId = "";
  let stderr = "";

  beforeAll(async () => {
    app = await startTestApp({ now: new Date() });
    const tick = setInterval(() => app.clock.set(new Date()), 200);
    const { components } = await makeContract(app.api, { components: ["this-host"] });
    componentId = components[0].id;
    const token = (await app.api("post", `/components/${componentId}/agent-token`)).body.token;
    agent = spawn(process.execPath, ["agents/src/cli.js"], {
      env: {
        ...process.env,
        MSP_AGENT_URL: app.url,
        MSP_AGENT_TOKEN: token,
        MSP_AGENT_INTERVAL_S: "1",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    agent.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    agent.once("exit", () => clearInterval(tick));
  }, 60_000);

  afterAll(async () => {
    agent?.kill("SIGTERM");
    await app?.stop();
  });

  it("shows the agent's series for its component", async () => {
    let keys: string[] = [];
    for (let i = 0; i < 100 && !keys.some((k) => k.startsWith("node_load1")); i++) {
      await new Promise((r) => setTimeout(r, 200));
      keys = (await app.api("get", `/components/${componentId}/series`)).body.map(
        (s: { key: string }) => s.key,
      );
    }
    expect(
      keys.some((k) => k.startsWith("node_load1")),
      stderr,
    ).toBe(true);
    expect(keys.some((k) => k.startsWith("node_memory_MemAvailable_bytes"))).toBe(true);
    expect(keys.some((k) => k.startsWith("node_cpu_seconds_total{"))).toBe(true);
    await app.platform.collector!.flush(); // writes "agent last seen"
    const component = (await app.api("get", `/components/${componentId}`)).body;
    expect(component.lastSeenAt).not.toBeNull();
  }, 30_000);
});
