// alert.latency_p99_ms: with the ingest capacity load running (10,000 components x 100
// series every 10 s, paced in-process through the platform's pipeline with a never-breaching
// global rule so the rule hook works on every sample), a breaching sample is pushed through
// the real HTTP ingest endpoint for a component with a threshold rule (forSeconds 0); the
// time is from just before that request is sent to the socket.io `incident` event (`opened`)
// received by a connected NOC client (in a worker thread). The push's own HTTP round trip is
// inside the figure, so it is an upper bound of "sample accepted → event received".
// Each trial breaches a new label set, so each opens a new incident.
// Run: node --import tsx bench/alert/latency.bench.ts   (ALERT_BENCH_COMPONENTS to scale)
import { pathToFileURL } from "node:url";
import type { IncidentChange } from "../../src/incidents/events.js";
import {
  agentPush,
  makeCredentials,
  makeTenant,
  nowMs,
  percentile,
  round2,
  startBenchPlatform,
  type BenchPlatform,
} from "../realtime/bench-platform.js";
import { ClientPool } from "../realtime/client-pool.js";
import { CapacityLoad } from "./capacity-load.js";

export interface BenchLine {
  bench: string;
  value: number;
  unit: string;
  [extra: string]: unknown;
}

/** When each trial's incident was first committed, and its first visible version. */
function watchCommits(bp: BenchPlatform): Map<string, { at: number; version: string }> {
  const byTrial = new Map<string, { at: number; version: string }>();
  bp.platform.hub.addListener({
    name: "bench commit watch",
    afterCommit: (c: IncidentChange) => {
      const trial = c.incident.labels.trial;
      if (trial && c.event.customerVisible && !byTrial.has(trial))
        byTrial.set(trial, { at: nowMs(), version: String(c.event.id) });
    },
  });
  return byTrial;
}

/** When the rule engine handed each trial's alert to the incident engine. */
function watchFires(bp: BenchPlatform): Map<string, number> {
  const byTrial = new Map<string, number>();
  const incidents = bp.platform.incidents;
  const fire = incidents.fire.bind(incidents);
  incidents.fire = (alert) => {
    const trial = alert.labels.trial;
    if (trial && !byTrial.has(trial)) byTrial.set(trial, nowMs());
    fire(alert);
  };
  return byTrial;
}

/** Only our rules: the default pack off, a probe rule, and a global rule the load exercises. */
async function setRules(bp: BenchPlatform, componentId: string): Promise<void> {
  const rules = await bp.api<{ items: { id: string }[] }>("get", "/rules?scope=global&limit=200");
  for (const r of rules.items) await bp.api("patch", `/rules/${r.id}`, { enabled: false });
  const threshold = { kind: "threshold", op: ">", forSeconds: 0, severity: "critical" };
  await bp.api("post", "/rules", {
    ...threshold,
    name: "load: free memory absurdly high",
    metric: "node_memory_MemFree_bytes",
    threshold: 1e18,
  });
  await bp.api("post", "/rules", {
    ...threshold,
    componentId,
    name: "bench probe above 100",
    metric: "bench_probe",
    threshold: 100,
    recoveryThreshold: 50,
  });
}

async function loadComponents(bp: BenchPlatform, n: number): Promise<string[]> {
  const { contractId } = await makeTenant(bp, "entry", 0);
  const rows = await bp.platform.db.dataSource.query<{ id: string }[]>(
    `INSERT INTO components (contract_id, name, os, active_from)
     SELECT $1, 'load-' || g, 'linux', '2026-01-01' FROM generate_series(1, $2::int) g RETURNING id`,
    [contractId, n],
  );
  return rows.map((r) => r.id);
}

const progress = (started: number, what: string) =>
  process.stderr.write(`[alert bench ${((Date.now() - started) / 1000).toFixed(1)} s] ${what}\n`);

export async function main(
  opts: { components?: number; trials?: number } = {},
): Promise<BenchLine[]> {
  const components = opts.components ?? Number(process.env.ALERT_BENCH_COMPONENTS ?? 10_000);
  const trials = opts.trials ?? 40;
  const started = Date.now();
  const bp = await startBenchPlatform({
    ROLES: "api,collector,realtime",
    INGEST_SAMPLES_PER_S: "100000",
    // Each trial must open a new incident (a new label set of one rule would join the first
    // as a member): the path measured is breach → new incident → socket.
    INCIDENT_GROUP_WINDOW_S: "0",
  });
  const pipeline = bp.platform.collector!.pipeline;
  const loadIds = await loadComponents(bp, components);
  const load = new CapacityLoad(pipeline, loadIds);
  let pool: ClientPool | undefined;
  try {
    const target = await makeTenant(bp, "standard");
    const componentId = target.componentIds[0]!;
    await setRules(bp, componentId); // reloads the engine with every component known
    const agentToken = (
      await bp.api<{ token: string }>("post", `/components/${componentId}/agent-token`)
    ).token;
    const noc = await makeCredentials(bp, "noc", null);
    pool = await ClientPool.start(bp.url, [noc.session]);
    progress(started, `platform up, ${components} load components, rules set`);
    const commits = watchCommits(bp);
    const fires = watchFires(bp);
    await load.fill();
    load.start();
    progress(started, `capacity load running (${load.accepted} samples in the first round)`);
    const push = async (trial: number, value: number) => {
      const res = await agentPush(bp.url, agentToken, "vm-00000", [
        { name: "bench_probe", labels: { trial: String(trial) }, samples: [[Date.now(), value]] },
      ]);
      if (!res.ok) throw new Error(`push refused: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    const total: number[] = [];
    const toFire: number[] = [];
    const toCommit: number[] = [];
    const toReceipt: number[] = [];
    for (let t = -3; t < trials; t++) {
      const sent = nowMs();
      await push(t, 1000);
      const commit = await waitFor(() => commits.get(String(t)), 10_000);
      const receipt = await pool.whenAll(commit.version);
      if (process.env.BENCH_VERBOSE)
        progress(started, `trial ${t}: ${(receipt.last - sent).toFixed(1)} ms`);
      if (t >= 0) {
        total.push(receipt.last - sent);
        toFire.push(fires.get(String(t))! - sent);
        toCommit.push(commit.at - fires.get(String(t))!);
        toReceipt.push(receipt.last - commit.at);
      }
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 100)); // off the load's beat
    }
    load.stop();
    progress(started, "trials done");
    const s = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const [all, fire, commit, fanout] = [s(total), s(toFire), s(toCommit), s(toReceipt)];
    const common = {
      unit: "ms",
      db: bp.db,
      trials,
      components,
      seriesPerComponent: 100,
      goalMs: 50,
    };
    return [
      {
        bench: "alert.latency_p99_ms",
        value: round2(percentile(all, 99)),
        ...common,
        p50Ms: round2(percentile(all, 50)),
        maxMs: round2(all.at(-1)!),
        // Where the time goes: push + ingest + rule, incident engine + commit, fan-out.
        sentToFireP50Ms: round2(percentile(fire, 50)),
        sentToFireP99Ms: round2(percentile(fire, 99)),
        fireToCommitP50Ms: round2(percentile(commit, 50)),
        fireToCommitP99Ms: round2(percentile(commit, 99)),
        commitToReceiptP50Ms: round2(percentile(fanout, 50)),
        commitToReceiptP99Ms: round2(percentile(fanout, 99)),
        loadSamplesAccepted: load.accepted,
        wallS: round2((Date.now() - started) / 1000),
      },
      { bench: "alert.latency_p50_ms", value: round2(percentile(all, 50)), ...common },
    ];
  } finally {
    load.stop();
    // The collector's final flush would write a million series' rollups: not what we measure.
    for (const id of loadIds) pipeline.removeComponent(id);
    pipeline.drainRollups(Number.POSITIVE_INFINITY);
    progress(started, "load components removed");
    await pool?.close();
    await bp.stop();
    progress(started, "platform stopped");
  }
}

async function waitFor<T>(get: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error("no incident committed for the breaching sample");
    await new Promise((r) => setTimeout(r, 1)); // the commit time is taken by the listener
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href)
  for (const line of await main()) process.stdout.write(JSON.stringify(line) + "\n");
