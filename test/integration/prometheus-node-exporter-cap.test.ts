import { spawn, type ChildProcess } from "node:child_process";
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract } from "../support/factories.js";

// Stock parts as a customer runs them: Debian's Prometheus 2.42 in agent mode scraping a
// stock node_exporter 1.5 (all default collectors, ~500 series) and remote-writing through a
// per-contract token to a component with the default 200-series cap. The series the rules
// read must get in, the CPU rule (forced to fire by a contract override) must fire, the VM
// must show as seen, and Prometheus must not log a "non-recoverable error" loop.
const PROMETHEUS = "/usr/bin/prometheus";
const NODE_EXPORTER = "/usr/bin/prometheus-node-exporter";

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
// js-yaml (a devDependency without bundled types) parses the README's example.
const yaml = createRequire(import.meta.url)("js-yaml") as { load(text: string): unknown };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The `write_relabel_configs` the README ships (its remote_write example), parsed. */
function readmeRelabel(): unknown[] {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const block = /```yaml\n(remote_write:[\s\S]*?write_relabel_configs:[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error("README: no remote_write example with write_relabel_configs");
  const doc = yaml.load(block[1]!.replace(/msa_…/g, "x")) as {
    remote_write: { write_relabel_configs: unknown[] }[];
  };
  return doc.remote_write[0]!.write_relabel_configs;
}

describe("stock Prometheus agent + node_exporter through a contract token at a 200 cap", () => {
  let app: TestApp;
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), "msp-prom-cap-"));
  const promLog = join(dir, "prometheus.log");
  let componentId = "";
  let trimmedId = ""; // vm-2: the same node_exporter through the README's relabel example
  let tick: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    for (const bin of [PROMETHEUS, NODE_EXPORTER])
      if (!existsSync(bin))
        throw new Error(
          `${bin} missing: install Debian's prometheus and prometheus-node-exporter (.ci/run does)`,
        );
    app = await startTestApp({ now: new Date() }); // Prometheus stamps with the wall clock
    tick = setInterval(() => app.clock.set(new Date()), 200);
    const { contract, components } = await makeContract(app.api, {
      components: ["vm-1", "vm-2"],
    });
    componentId = components[0].id;
    trimmedId = components[1].id;
    // The pack's CPU rule as a contract override with a threshold any machine breaches.
    const forced = await app.api("post", "/rules", {
      body: {
        kind: "threshold",
        contractId: contract.id,
        packKey: "cpu_high",
        name: "CPU busy (forced for the test)",
        metric: "node_cpu_seconds_total",
        matchers: { mode: "idle" },
        counter: "rate",
        windowSeconds: 5,
        aggregate: "avg",
        complement: true,
        op: ">",
        threshold: -1,
        recoveryThreshold: -1,
        forSeconds: 0,
        severity: "warning",
      },
    });
    expect(forced.status, JSON.stringify(forced.body)).toBe(201);
    await app.platform.rules!.reload();
    const token = (await app.api("post", `/contracts/${contract.id}/agent-tokens`)).body.token;
    const [nePort, promPort] = [await freePort(), await freePort()];
    children.push(
      spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${nePort}`], { stdio: "ignore" }),
    );
    writeFileSync(
      join(dir, "prometheus.yml"),
      [
        "global: { scrape_interval: 1s }",
        "scrape_configs:",
        "  - job_name: node",
        "    static_configs:",
        `      - { targets: ['127.0.0.1:${nePort}'], labels: { instance: 'vm-1:9100' } }`,
        "  - job_name: node-trimmed",
        "    static_configs:",
        `      - { targets: ['localhost:${nePort}'], labels: { instance: 'vm-2' } }`,
        "remote_write:",
        `  - url: ${app.url}/api/v1/write`,
        `    authorization: { credentials: ${token} }`,
        "    queue_config: { batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s }",
        "    write_relabel_configs: [ { source_labels: [instance], regex: vm-2, action: drop } ]",
        `  - url: ${app.url}/api/v1/write`,
        `    authorization: { credentials: ${token} }`,
        "    queue_config: { batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s }",
        `    write_relabel_configs: ${JSON.stringify([
          { source_labels: ["instance"], regex: "vm-2", action: "keep" },
          ...readmeRelabel(),
        ])}`,
      ].join("\n"),
    );
    const prom = spawn(
      PROMETHEUS,
      [
        "--enable-feature=agent",
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.agent.path=${join(dir, "wal")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    prom.stderr.pipe(createWriteStream(promLog));
    children.push(prom);
  }, 60_000);

  afterAll(async () => {
    clearInterval(tick);
    for (const c of children) c.kill("SIGTERM");
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("admits the default pack's series, fires the CPU rule, shows the VM seen, no error loop", async () => {
    const incidents = async () =>
      (await app.api("get", `/incidents?componentId=${componentId}&limit=50`)).body.items as {
        ruleName: string;
        state: string;
      }[];
    const started = Date.now();
    let cpuIncident: { state: string } | undefined;
    let keys: string[] = [];
    const needed = [
      /^up\{/,
      /^node_cpu_seconds_total\{cpu="0",.*mode="idle"/,
      /^node_memory_MemAvailable_bytes\{/,
      /^node_memory_MemTotal_bytes\{/,
      /^node_filesystem_avail_bytes\{/,
      /^node_filesystem_size_bytes\{/,
    ];
    // Long enough for Prometheus to send many full scrapes (>500 samples each) at the cap.
    while (Date.now() - started < 40_000) {
      await sleep(500);
      await app.platform.incidents.whenIdle();
      cpuIncident = (await incidents()).find((i) => i.ruleName.startsWith("CPU busy (forced"));
      const live = (await app.api("get", `/components/${componentId}/series`)).body as {
        key: string;
        live: boolean;
      }[];
      keys = live.filter((s) => s.live).map((s) => s.key);
      const vm2 = (await app.api("get", `/components/${trimmedId}/series`)).body as {
        key: string;
      }[];
      if (
        cpuIncident &&
        needed.every((re) => keys.some((k) => re.test(k))) &&
        needed.every((re) => vm2.some((x) => re.test(x.key))) &&
        Date.now() - started > 12_000
      )
        break;
    }
    expect(cpuIncident).toMatchObject({ state: "open" });
    for (const re of needed)
      expect(
        keys.some((k) => re.test(k)),
        String(re),
      ).toBe(true);

    const refused = (await app.api("get", `/components/${componentId}/refused-series`)).body;
    expect(refused).toMatchObject({ cap: 200, activeSeries: 200 });
    expect(refused.refused.length).toBeGreaterThan(0); // node_exporter sends more than 200
    for (const r of refused.refused)
      expect(needed.some((re) => re.test(`${r.metric}{`))).toBe(false);

    await app.platform.collector!.flush();
    const vm = (await app.api("get", `/components/${componentId}`)).body;
    expect(vm.lastSeenAt).not.toBeNull();
    expect(Date.now() - new Date(vm.lastSeenAt).getTime()).toBeLessThan(15_000);

    // The README's relabel example: everything the pack reads, nothing refused, under 200.
    const trimmed = (await app.api("get", `/components/${trimmedId}/refused-series`)).body;
    expect(trimmed.refused).toEqual([]);
    expect(trimmed.activeSeries).toBeGreaterThan(needed.length);
    expect(trimmed.activeSeries).toBeLessThan(200);
    const trimmedKeys = (await app.api("get", `/components/${trimmedId}/series`)).body.map(
      (x: { key: string }) => x.key,
    ) as string[];
    for (const re of needed)
      expect(
        trimmedKeys.some((k) => re.test(k)),
        String(re),
      ).toBe(true);

    const log = readFileSync(promLog, "utf8");
    expect(log).toContain("Starting Prometheus"); // the log was captured
    expect(log).not.toMatch(/non-recoverable error/);
  }, 60_000);
});
