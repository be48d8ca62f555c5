// The mass-outage bench (issue 11, decision 0014). Beside the capacity load of other
// contracts (10,000 components x 100 series every 10 s = 100,000 samples/s, paced
// in-process through the pipeline), 10,000 components of one Standard contract breach a
// threshold rule within 1 s. It measures, the way users meet it:
// - alert.storm_settle_s: storm start → every storm alert a member of its grouped incident,
//   and that incident routed (paged);
// - alert.storm_ingest_p99_ms: other tenants' HTTP pushes during the storm (20 agents, one
//   push each every 100 ms), counting pushes still in flight at the end at their age;
// - alert.storm_metrics_ms: GET /metrics latency during the storm (max and p50);
// - alert.storm_pages, alert.storm_incidents: pages and incidents the storm caused (goal 1).
// The database: PostgreSQL when BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres)
// answers — a scratch database is created and dropped — else the embedded PGlite.
// Run: npm run bench -- storm   (STORM_COMPONENTS, STORM_LOAD_COMPONENTS to scale)
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import pg from "pg";
import type { IngestPipeline } from "../../src/ingest/ingest-pipeline.js";
import {
  agentPush,
  makeTenant,
  nowMs,
  percentile,
  round2,
  startBenchPlatform,
  type BenchPlatform,
} from "../realtime/bench-platform.js";
import { CapacityLoad } from "./capacity-load.js";
import type { BenchLine } from "./latency.bench.js";

const progress = (started: number, what: string) =>
  process.stderr.write(`[storm bench ${((Date.now() - started) / 1000).toFixed(1)} s] ${what}\n`);

async function scratchPostgres(): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const admin = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } catch {
    return null;
  }
  const name = `msp_bench_storm_${randomBytes(4).toString("hex")}`;
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function insertComponents(bp: BenchPlatform, contractId: string, n: number, prefix: string) {
  const rows = await bp.platform.db.dataSource.query<{ id: string }[]>(
    `INSERT INTO components (contract_id, name, os, active_from)
     SELECT $1, $3 || g, 'linux', '2026-01-01' FROM generate_series(1, $2::int) g RETURNING id`,
    [contractId, n, prefix],
  );
  return rows.map((r) => r.id);
}

/** A Standard contract with a runbook, an on-call engineer and the storm's rule. */
async function stormTenant(bp: BenchPlatform, n: number) {
  const { contractId } = await makeTenant(bp, "standard", 0);
  await bp.api("post", `/contracts/${contractId}/runbooks`, {
    kind: "incident",
    name: "first response",
    content: "1. check\n",
  });
  const email = `oncall-${randomBytes(4).toString("hex")}@example.jp`;
  const { user } = await bp.api<{ user: { id: string } }>("post", "/users", {
    email,
    displayName: "on call",
    role: "oncall",
    contractId: null,
    password: `pw-${randomBytes(8).toString("hex")}`,
  });
  await bp.api("post", "/oncall/rotations", {
    name: "first line",
    line: "first",
    memberIds: [user.id],
    startsAt: new Date(Date.now() - 3_600_000).toISOString(),
    shiftHours: 744,
  });
  await bp.api("post", "/rules", {
    kind: "threshold",
    op: ">",
    forSeconds: 0,
    severity: "critical",
    contractId,
    name: "storm probe above 100",
    metric: "storm_probe",
    threshold: 100,
  });
  const ids = await insertComponents(bp, contractId, n, "storm-");
  await bp.platform.rules!.reload();
  return { contractId, ids };
}

/** Breaches every storm component within `spreadMs`, in 100 slices (as agents would, spread). */
async function breach(pipeline: IngestPipeline, ids: readonly string[], spreadMs: number) {
  const slices = 100;
  const per = Math.ceil(ids.length / slices);
  for (let s = 0; s < slices; s++) {
    for (const id of ids.slice(s * per, (s + 1) * per)) {
      const now = Date.now();
      pipeline.ingestJsonBatch(
        { kind: "component", componentId: id, cap: 200 },
        {
          version: 1,
          agent: { name: "msp-agent", version: "1.0.0" },
          os: "linux",
          host: id,
          series: [{ name: "storm_probe", labels: {}, samples: [[now, 1000]] }],
        },
        now,
      );
    }
    await new Promise((r) => setTimeout(r, spreadMs / slices));
  }
}

/** Other tenants' agents pushing over HTTP; every latency, in flight counted at its age. */
class ProbeAgents {
  private readonly done: number[] = [];
  private readonly inFlight = new Map<number, number>();
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  refused = 0;
  constructor(
    private readonly url: string,
    private readonly tokens: readonly string[],
  ) {}

  start(): void {
    let i = 0;
    this.timer = setInterval(() => {
      const token = this.tokens[i++ % this.tokens.length]!;
      void this.push(token);
    }, 100 / this.tokens.length);
  }

  private async push(token: string): Promise<void> {
    const sent = nowMs();
    const id = this.next++;
    this.inFlight.set(id, sent);
    try {
      const res = await agentPush(this.url, token, "probe", [
        { name: "node_load1", labels: {}, samples: [[Date.now(), 0.5]] },
      ]);
      await res.arrayBuffer();
      if (!res.ok) this.refused++;
    } catch {
      this.refused++;
    } finally {
      this.inFlight.delete(id);
      this.done.push(nowMs() - sent);
    }
  }

  stop(): number[] {
    clearInterval(this.timer);
    const now = nowMs();
    return [...this.done, ...[...this.inFlight.values()].map((s) => now - s)].sort((a, b) => a - b);
  }
}

async function metricsLatencies(url: string, until: () => boolean): Promise<number[]> {
  const out: number[] = [];
  while (!until()) {
    const t = nowMs();
    const res = await fetch(`${url}/metrics`);
    await res.text();
    out.push(nowMs() - t);
    await new Promise((r) => setTimeout(r, 200));
  }
  return out.sort((a, b) => a - b);
}

export async function main(): Promise<BenchLine[]> {
  const stormN = Number(process.env.STORM_COMPONENTS ?? 10_000);
  const loadN = Number(process.env.STORM_LOAD_COMPONENTS ?? 10_000);
  const started = Date.now();
  const scratch = await scratchPostgres();
  const bp = await startBenchPlatform({
    ROLES: "api,collector,realtime,notify,scheduler",
    INGEST_SAMPLES_PER_S: "100000",
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
  });
  const pipeline = bp.platform.collector!.pipeline;
  let load: CapacityLoad | undefined;
  let probes: ProbeAgents | undefined;
  try {
    const other = await makeTenant(bp, "entry", 0);
    const loadIds = await insertComponents(bp, other.contractId, loadN, "load-");
    const probeTenant = await makeTenant(bp, "standard", 20);
    const tokens: string[] = [];
    for (const id of probeTenant.componentIds)
      tokens.push((await bp.api<{ token: string }>("post", `/components/${id}/agent-token`)).token);
    const storm = await stormTenant(bp, stormN);
    progress(started, `${bp.db}: ${loadN} load, 20 probe and ${stormN} storm components`);
    load = new CapacityLoad(pipeline, loadIds);
    await load.fill();
    load.start();
    probes = new ProbeAgents(bp.url, tokens);
    probes.start();
    await new Promise((r) => setTimeout(r, 2000)); // the probes' steady state first
    progress(started, "load and probes running: storm");

    const t0 = nowMs();
    let settledAt = 0;
    const metrics = metricsLatencies(bp.url, () => settledAt > 0);
    await breach(pipeline, storm.ids, 1000);
    const ds = bp.platform.db.dataSource;
    for (;;) {
      const [row] = await ds.query<{ members: number; routed: number; incidents: number }[]>(
        `SELECT coalesce(sum(member_count), 0)::int AS members,
                count(*) FILTER (WHERE routed_at IS NOT NULL)::int AS routed, count(*)::int AS incidents
           FROM incidents WHERE contract_id = $1`,
        [storm.contractId],
      );
      if (row && row.members >= stormN && row.routed === row.incidents && row.incidents > 0) {
        settledAt = nowMs();
        break;
      }
      if (nowMs() - t0 > 300_000) throw new Error(`storm not settled: ${JSON.stringify(row)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const pushLatencies = probes.stop();
    const metricLatencies = await metrics;
    load.stop();
    await bp.platform.incidents.whenIdle();
    const [counts] = await ds.query<{ incidents: number; pages: number }[]>(
      `SELECT (SELECT count(*)::int FROM incidents WHERE contract_id = $1) AS incidents,
              (SELECT count(*)::int FROM outbox_messages WHERE contract_id = $1 AND event = 'page') AS pages`,
      [storm.contractId],
    );
    const silent = await ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM incidents WHERE contract_id = $1 AND rule_kind = 'absence_component'`,
      [probeTenant.contractId],
    );
    const common = { db: bp.db, stormComponents: stormN, loadComponents: loadN };
    progress(started, "storm settled");
    return [
      {
        bench: "alert.storm_settle_s",
        value: round2((settledAt - t0) / 1000),
        unit: "s",
        goal: 10,
        ...common,
      },
      {
        bench: "alert.storm_ingest_p99_ms",
        value: round2(percentile(pushLatencies, 99)),
        unit: "ms",
        goal: 50,
        p50Ms: round2(percentile(pushLatencies, 50)),
        maxMs: round2(pushLatencies.at(-1) ?? 0),
        pushes: pushLatencies.length,
        refused: probes.refused,
        falseSilentIncidents: silent[0]?.n ?? 0,
        ...common,
      },
      {
        bench: "alert.storm_metrics_ms",
        value: round2(metricLatencies.at(-1) ?? 0),
        unit: "ms",
        goal: 1000,
        p50Ms: round2(percentile(metricLatencies, 50)),
        scrapes: metricLatencies.length,
        ...common,
      },
      { bench: "alert.storm_pages", value: counts?.pages ?? -1, unit: "pages", goal: 1, ...common },
      {
        bench: "alert.storm_incidents",
        value: counts?.incidents ?? -1,
        unit: "incidents",
        goal: 1,
        ...common,
      },
    ];
  } finally {
    probes?.stop();
    load?.stop();
    pipeline.drainRollups(Number.POSITIVE_INFINITY); // the final flush is not what we measure
    await bp.stop();
    await scratch?.drop();
    progress(started, "platform stopped");
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href)
  for (const line of await main()) process.stdout.write(JSON.stringify(line) + "\n");
