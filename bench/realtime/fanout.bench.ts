// realtime.fanout_p99_ms: 500 socket.io clients (400 staff sockets in `noc` on sessions and
// API keys, 100 customer sockets in their contract's room) and 20 decoy customer sockets of
// another contract; each trial commits an incident change through the incident engine and
// measures commit (the hub's afterCommit) → receipt by the last of the 500. Clients run in a
// worker thread. PGlite, or PostgreSQL when DATABASE_URL is set.
// Run: node --import tsx bench/realtime/fanout.bench.ts
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import type { IncidentChange } from "../../src/incidents/events.js";
import {
  makeCredentials,
  makeTenant,
  nowMs,
  percentile,
  round2,
  startBenchPlatform,
  type BenchPlatform,
} from "./bench-platform.js";
import { ClientPool } from "./client-pool.js";

export interface BenchLine {
  bench: string;
  value: number;
  unit: string;
  [extra: string]: unknown;
}

/** Records when each commit's changes reach the hub's afterCommit (before any listener). */
export function recordCommits(bp: BenchPlatform): {
  last: () => { at: number; visible: string[] };
} {
  const hub = bp.platform.hub;
  const original = hub.afterCommit.bind(hub);
  let last = { at: 0, visible: [] as string[] };
  hub.afterCommit = (changes: readonly IncidentChange[]) => {
    last = {
      at: nowMs(),
      visible: changes.filter((c) => c.event.customerVisible).map((c) => String(c.event.id)),
    };
    original(changes);
  };
  return { last: () => last };
}

async function credentials(
  bp: BenchPlatform,
  role: "noc" | "customer",
  n: number,
  contractId: string | null,
) {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = await makeCredentials(bp, role, contractId);
    out.push(c.session, c.apiKey);
  }
  return out;
}

const cycle = (pool: string[], n: number) =>
  Array.from({ length: n }, (_, i) => pool[i % pool.length]!);

export async function main(opts: { clients?: number; trials?: number } = {}): Promise<BenchLine[]> {
  const clients = opts.clients ?? 500;
  const trials = opts.trials ?? 30;
  const started = Date.now();
  const bp = await startBenchPlatform({ ROLES: "api,realtime" });
  let pool: ClientPool | undefined;
  try {
    const target = await makeTenant(bp, "entry");
    const decoy = await makeTenant(bp, "entry");
    const staff = await credentials(bp, "noc", 20, null);
    const customers = await credentials(bp, "customer", 10, target.contractId);
    const decoys = await credentials(bp, "customer", 2, decoy.contractId);
    const customerClients = Math.round(clients / 5);
    pool = await ClientPool.start(
      bp.url,
      [...cycle(staff, clients - customerClients), ...cycle(customers, customerClients)],
      cycle(decoys, 20),
    );
    const commits = recordCommits(bp);
    const latencies: number[] = [];
    let eventsPerCommit = 0;
    for (let t = -3; t < trials; t++) {
      bp.platform.incidents.fire({
        contractId: target.contractId,
        componentId: target.componentIds[0]!,
        ruleId: randomUUID(),
        labelsKey: "",
        ruleName: `bench ${t}`,
        ruleKind: "threshold",
        severity: "warning",
        metric: "cpu_usage",
        labels: {},
        value: 99,
        threshold: 90,
        atMs: Date.now(),
      });
      await bp.platform.incidents.whenIdle();
      const { at, visible } = commits.last();
      if (visible.length === 0) throw new Error("the commit published no customer-visible change");
      eventsPerCommit = visible.length;
      const receipts = await Promise.all(visible.map((v) => pool!.whenAll(v)));
      if (t >= 0) latencies.push(Math.max(...receipts.map((r) => r.last)) - at); // t < 0: warm-up
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 200)); // give a leak time to show
    const sorted = [...latencies].sort((a, b) => a - b);
    const common = { unit: "ms", db: bp.db, clients, decoyClients: 20, trials, goalMs: 200 };
    return [
      {
        bench: "realtime.fanout_p99_ms",
        value: round2(percentile(sorted, 99)),
        ...common,
        p50Ms: round2(percentile(sorted, 50)),
        maxMs: round2(sorted.at(-1)!),
        eventsPerCommit,
        decoyLeaks: pool.leaks.length,
        wallS: round2((Date.now() - started) / 1000),
      },
      { bench: "realtime.fanout_p50_ms", value: round2(percentile(sorted, 50)), ...common },
    ];
  } finally {
    await pool?.close();
    await bp.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href)
  for (const line of await main()) process.stdout.write(JSON.stringify(line) + "\n");
