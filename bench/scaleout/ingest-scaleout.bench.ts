// ingest.scaleout_ratio and ingest.remote_write_http: remote_write over HTTP into collector
// processes (`tsx src/main.ts`, ROLES=collector, PostgreSQL).
// - ingest.remote_write_http: one collector, pushed directly (no load balancer).
// - ingest.scaleout_ratio: 2 collectors behind nginx vs 1 collector behind the same nginx.
// nginx (Debian's nginx-light, loopback-only config in a temp dir, one process, child of this
// one) hashes the Authorization header onto the collectors (consistent), so each contract's
// pushes reach one collector. The load: 64 contracts x 20 node_exporter-like components
// (128,000 series), one closed-loop keep-alive shard per contract sending 2,000-sample bodies
// (Prometheus' max_samples_per_send), timestamps 10 s apart injected from 55 min ago; the
// bodies are encoded before the clock starts, so the sender only writes bytes. 64 contracts,
// not a handful, so the hash splits them near evenly (16 split 12/4 in a run, and the light
// collector's shards ran out before the others had warmed up). Throughput is counted between
// the moment every shard passed its warm-up steps and the moment the first shard ran out of
// steps (every collector busy throughout). CPU seconds per process (/proc) over the same
// interval are printed beside it, PostgreSQL's too (the rollup flushes): on a 2-core machine
// the collectors, nginx, the sender and PostgreSQL share the cores, which bounds the ratio.
// Needs PostgreSQL (TEST_DATABASE_URL's server, or a throwaway one) and nginx on PATH.
// Run: node --import tsx bench/scaleout/ingest-scaleout.bench.ts
import { cpus, loadavg } from "node:os";
import { pathToFileURL } from "node:url";
import { freshPostgres } from "../../test/support/platform-processes.js";
import type { BenchLine } from "../ingest/harness.js";
import { median } from "../ingest/fixtures.js";
import {
  checkAccepted,
  makeTenants,
  mallocSetting,
  nginxAvailable,
  postgresCpuS,
  procCpuS,
  Sender,
  ShardBodies,
  startCollector,
  startNginx,
  type Collector,
  type Tenant,
} from "./ingest-load.js";

export interface ScaleoutOptions {
  runs?: number;
  contracts?: number;
  componentsPerContract?: number;
  steps?: number;
  warmSteps?: number;
}

const STEP_MS = 10_000;
const MODES = ["direct", "one", "two"] as const;
type Mode = (typeof MODES)[number];
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

interface Measured {
  samplesPerS: number;
  windowS: number;
  collectorCpuS: number[];
  nginxCpuS: number;
  senderCpuS: number;
  postgresCpuS: number;
  /** Contracts each collector received (from the samples each accepted). */
  split: number[];
}

/** Pushes every shard's bodies through `url`, closed loop; measures the all-busy window. */
async function drive(
  url: string,
  bodies: Array<{ token: string; samples: number; list: Buffer[] }>,
  warmSteps: number,
  pids: { collectors: number[]; nginx?: number },
): Promise<Measured> {
  const sender = new Sender(url);
  const snap = () => ({
    t: performance.now(),
    collectors: pids.collectors.map(procCpuS),
    nginx: pids.nginx !== undefined ? procCpuS(pids.nginx) : 0,
    postgres: postgresCpuS(),
    self: process.cpuUsage(),
  });
  let start: ReturnType<typeof snap> | undefined;
  let end: ReturnType<typeof snap> | undefined;
  let counted = 0;
  // Warm-up first, every shard to the same step, then all start together: each contract's
  // first push waits for its lease and creates its series, so without the barrier the
  // shards that got theirs early ran out before the last one had started.
  let warmed = 0;
  let release!: () => void;
  const barrier = new Promise<void>((r) => (release = r));
  try {
    await Promise.all(
      bodies.map(async (b) => {
        for (let k = 0; k < warmSteps; k++)
          checkAccepted(await sender.post(b.token, b.list[k]!), b.samples);
        if (++warmed === bodies.length) {
          start = snap();
          release();
        }
        await barrier;
        for (let k = warmSteps; k < b.list.length; k++) {
          checkAccepted(await sender.post(b.token, b.list[k]!), b.samples);
          if (end === undefined) counted += b.samples;
        }
        end ??= snap();
      }),
    );
  } finally {
    sender.close();
  }
  if (!start || !end) throw new Error("no measurement window");
  const windowS = (end.t - start.t) / 1000;
  const self = process.cpuUsage(start.self);
  return {
    samplesPerS: counted / windowS,
    windowS,
    collectorCpuS: end.collectors.map((c, i) => c - start!.collectors[i]!),
    nginxCpuS: end.nginx - start.nginx,
    senderCpuS: (self.user + self.system) / 1e6,
    postgresCpuS: end.postgres - start.postgres,
    split: [],
  };
}

function prepare(tenants: Tenant[], steps: number) {
  const t0 = Math.floor(Date.now() / STEP_MS) * STEP_MS - 55 * 60_000;
  return tenants.map((t) => {
    const s = new ShardBodies(t.token, t.components);
    return {
      token: t.token,
      samples: s.samplesPerBody,
      list: Array.from({ length: steps }, (_, k) => s.body(t0 + k * STEP_MS)),
    };
  });
}

/** Samples each collector accepted, from its own /metrics (how the hash split the load). */
async function acceptedBy(c: Collector): Promise<number> {
  const text = await fetch(`${c.url}/metrics`).then((r) => r.text());
  let n = 0;
  for (const m of text.matchAll(/^collector_ingest_samples_accepted_total(?:\{[^}]*\})? (\S+)/gm))
    n += Number(m[1]);
  return n;
}

export async function main(opts: ScaleoutOptions = {}): Promise<BenchLine[]> {
  if (!nginxAvailable())
    return [
      {
        bench: "ingest.scaleout_ratio",
        value: Number.NaN,
        unit: "ratio",
        skipped: "nginx not found (apt-get install nginx-light)",
      },
    ];
  const runs = opts.runs ?? Number(process.env.SCALEOUT_RUNS ?? 3);
  const contracts = opts.contracts ?? Number(process.env.SCALEOUT_CONTRACTS ?? 64);
  const perContract = opts.componentsPerContract ?? 20;
  const steps = opts.steps ?? Number(process.env.SCALEOUT_STEPS ?? 60);
  const warmSteps = opts.warmSteps ?? Math.max(2, Math.round(steps / 6));
  const results: Record<Mode, Measured[]> = { direct: [], one: [], two: [] };
  // SCALEOUT_MODES=direct measures ingest.remote_write_http alone (profiling, quick checks).
  const modes = (process.env.SCALEOUT_MODES ?? "direct,one,two")
    .split(",")
    .filter((m): m is Mode => MODES.includes(m as Mode));
  for (let r = 0; r < runs; r++) {
    for (const mode of modes) {
      // A fresh database, contracts and processes for every measurement: a collector must
      // not find the previous measurement's contracts (their leases, their silence).
      const pg = await freshPostgres();
      const collectors: Collector[] = [];
      let lb: Awaited<ReturnType<typeof startNginx>> | undefined;
      try {
        const tenants = await makeTenants(pg.url, contracts, perContract);
        for (let i = 0; i < (mode === "two" ? 2 : 1); i++)
          collectors.push(await startCollector(pg.url));
        if (mode !== "direct") lb = await startNginx(collectors.map((c) => c.url));
        const url = lb?.url ?? collectors[0]!.url;
        const bodies = prepare(tenants, steps);
        const m = await drive(url, bodies, warmSteps, {
          collectors: collectors.map((c) => c.pid),
          ...(lb ? { nginx: lb.pid } : {}),
        });
        const accepted = await Promise.all(collectors.map(acceptedBy));
        m.split = accepted.map((a) => Math.round((a / sum(accepted)) * contracts));
        results[mode].push(m);
      } finally {
        await lb?.stop();
        for (const c of collectors) await c.stop();
        await pg.stop();
      }
    }
  }
  const med = (xs: Measured[], f: (m: Measured) => number) => median(xs.map(f));
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const perM = (m: Measured, cpu: number) => r3(cpu / ((m.samplesPerS * m.windowS) / 1e6));
  const describe = (m: Measured) => ({
    samplesPerS: Math.round(m.samplesPerS),
    windowS: r3(m.windowS),
    collectorCpuSPerMillion: m.collectorCpuS.map((c) => perM(m, c)),
    collectorCoreShare: m.collectorCpuS.map((c) => r3(c / m.windowS)),
    nginxCpuSPerMillion: perM(m, m.nginxCpuS),
    senderCpuSPerMillion: perM(m, m.senderCpuS),
    postgresCpuSPerMillion: perM(m, m.postgresCpuS),
    contractsPerCollector: m.split,
  });
  const one = med(results.one, (m) => m.samplesPerS);
  const two = med(results.two, (m) => m.samplesPerS);
  const direct = med(results.direct, (m) => m.samplesPerS);
  const common = {
    runs,
    series: contracts * perContract * 100,
    samplesPerBody: perContract * 100,
    cores: cpus().length,
    loadAvg1m: r3(loadavg()[0]!),
    malloc: mallocSetting(),
  };
  return [
    {
      bench: "ingest.remote_write_http",
      value: Math.round(direct),
      unit: "samples/s",
      goal: 1_000_000,
      ...common,
      collectorCpuSPerMillion: r3(
        med(results.direct, (m) => sum(m.collectorCpuS) / ((m.samplesPerS * m.windowS) / 1e6)),
      ),
      perRun: results.direct.map(describe),
      via: "HTTP keep-alive straight to 1 collector process",
    },
    {
      bench: "ingest.scaleout_ratio",
      value: r3(two / one),
      unit: "ratio",
      goal: 1.7,
      ...common,
      oneCollectorSamplesPerS: Math.round(one),
      twoCollectorsSamplesPerS: Math.round(two),
      one: results.one.map(describe),
      two: results.two.map(describe),
      loadBalancer: "nginx (hash $http_authorization consistent), 1 process",
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const line of await main()) process.stdout.write(JSON.stringify(line) + "\n");
}
