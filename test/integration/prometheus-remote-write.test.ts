import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract } from "../support/factories.js";

// A real Prometheus (Debian's package, agent mode) scrapes a real node_exporter and
// remote-writes to the collector with a component token. Both listen on 127.0.0.1 only.
const PROMETHEUS = "/usr/bin/prometheus";
const NODE_EXPORTER = "/usr/bin/prometheus-node-exporter";

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

describe("Prometheus agent → remote_write → collector", () => {
  let app: TestApp;
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), "msp-prom-"));
  let componentId = "";

  beforeAll(async () => {
    for (const bin of [PROMETHEUS, NODE_EXPORTER]) {
      if (!existsSync(bin))
        throw new Error(
          `${bin} missing: install Debian's prometheus and prometheus-node-exporter (.ci/run does)`,
        );
    }
    // Real time here: Prometheus stamps samples with the wall clock.
    app = await startTestApp({ now: new Date() });
    app.clock.set(new Date());
    const tick = setInterval(() => app.clock.set(new Date()), 200);
    children.push({ kill: () => clearInterval(tick) } as unknown as ChildProcess);
    const { components } = await makeContract(app.api, { components: ["db-01"] });
    componentId = components[0].id;
    // A stock node_exporter sends ~500 series: two cap relaxations (600) take all of them, so
    // which series are listed does not depend on their order against the default cap of 200.
    const relaxed = await app.api("patch", `/components/${componentId}`, {
      body: { capRelaxations: 2 },
    });
    expect(relaxed.status, JSON.stringify(relaxed.body)).toBe(200);
    const token = (await app.api("post", `/components/${componentId}/agent-token`)).body.token;
    const [nePort, promPort] = [await freePort(), await freePort()];
    children.push(
      spawn(
        NODE_EXPORTER,
        [
          `--web.listen-address=127.0.0.1:${nePort}`,
          "--collector.disable-defaults",
          "--collector.loadavg",
          "--collector.meminfo",
          "--collector.cpu",
        ],
        { stdio: "ignore" },
      ),
    );
    writeFileSync(
      join(dir, "prometheus.yml"),
      [
        "global: { scrape_interval: 1s }",
        "scrape_configs:",
        `  - { job_name: node, static_configs: [ { targets: ['127.0.0.1:${nePort}'] } ] }`,
        "remote_write:",
        `  - url: ${app.url}/api/v1/write`,
        `    authorization: { credentials: ${token} }`,
        "    queue_config: { batch_send_deadline: 1s, min_backoff: 100ms }",
      ].join("\n"),
    );
    children.push(
      spawn(
        PROMETHEUS,
        [
          "--enable-feature=agent",
          `--config.file=${join(dir, "prometheus.yml")}`,
          `--storage.agent.path=${join(dir, "wal")}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
        ],
        { stdio: "ignore" },
      ),
    );
  }, 120_000);

  afterAll(async () => {
    for (const c of children) c.kill("SIGTERM");
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows node_exporter's series in the query API", async () => {
    let keys: string[] = [];
    for (let i = 0; i < 150 && !keys.some((k) => k.startsWith("node_load1{")); i++) {
      await new Promise((r) => setTimeout(r, 200));
      keys = (await app.api("get", `/components/${componentId}/series`)).body.map(
        (s: { key: string }) => s.key,
      );
    }
    expect(keys.find((k) => k.startsWith("node_load1{"))).toMatch(
      /instance="127\.0\.0\.1:\d+",job="node"/,
    );
    expect(keys.some((k) => k.startsWith("node_memory_MemAvailable_bytes{"))).toBe(true);
    const series = (await app.api("get", `/components/${componentId}/series`)).body.find(
      (s: { key: string }) => s.key.startsWith("node_load1{"),
    );
    const points = await app.api(
      "get",
      `/components/${componentId}/series/points?labels=${encodeURIComponent(JSON.stringify(series.labels))}`,
    );
    expect(points.status).toBe(200);
    expect(points.body.points.length).toBeGreaterThan(0);
    expect(typeof points.body.points[0].v).toBe("number");
  }, 60_000);
});
