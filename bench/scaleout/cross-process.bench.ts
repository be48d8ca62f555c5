// realtime.cross_process_p99_ms: an incident opened in a collector process (A: api,
// collector,realtime, run in this process so its commit can be timed at the hub's
// afterCommit) → receipt on a socket of ANOTHER process (B: api,realtime, `tsx src/main.ts`)
// through the PostgreSQL change feed (decision 0017). The same commit's receipt on a socket
// of A itself (the in-process hub) is printed next to it as realtime.same_process_p99_ms.
// Needs PostgreSQL: TEST_DATABASE_URL's server, or a throwaway one from Debian's binaries.
// Run: node --import tsx bench/scaleout/cross-process.bench.ts
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { io, type Socket } from "socket.io-client";
import { freshPostgres, startPlatformProcess } from "../../test/support/platform-processes.js";
import {
  makeCredentials,
  makeTenant,
  nowMs,
  percentile,
  round2,
  startBenchPlatform,
} from "../realtime/bench-platform.js";
import { recordCommits, type BenchLine } from "../realtime/fanout.bench.js";

const connect = (url: string, token: string) =>
  new Promise<Socket>((resolve, reject) => {
    const s = io(url, {
      path: "/socket.io",
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      auth: { token },
    });
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });

/** version → when it first arrived on the socket; `twice` counts versions that came again. */
function receipts(s: Socket): Map<string, number> & { twice: number } {
  const at = Object.assign(new Map<string, number>(), { twice: 0 });
  s.on("incident", (e: { version: string }) => {
    if (at.has(e.version)) at.twice++;
    else at.set(e.version, nowMs());
  });
  return at;
}

async function arrival(at: Map<string, number>, version: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = at.get(version);
    if (t !== undefined) return t;
    if (Date.now() > deadline) throw new Error(`version ${version} not received`);
    await new Promise((r) => setImmediate(r));
  }
}

export async function main(opts: { trials?: number } = {}): Promise<BenchLine[]> {
  const trials = opts.trials ?? Number(process.env.SCALEOUT_TRIALS ?? 200);
  const pg = await freshPostgres();
  const a = await startBenchPlatform({
    DATABASE_URL: pg.url,
    ROLES: "api,collector,realtime",
  });
  const b = await startPlatformProcess({ DATABASE_URL: pg.url, ROLES: "api,realtime" });
  const sockets: Socket[] = [];
  try {
    const target = await makeTenant(a, "standard");
    const noc = await makeCredentials(a, "noc", null);
    const onA = await connect(a.url, noc.session);
    const onB = await connect(b.url, noc.session);
    sockets.push(onA, onB);
    const atA = receipts(onA);
    const atB = receipts(onB);
    const commits = recordCommits(a);
    const cross: number[] = [];
    const same: number[] = [];
    for (let t = -5; t < trials; t++) {
      a.platform.incidents.fire({
        contractId: target.contractId,
        componentId: target.componentIds[0]!,
        ruleId: randomUUID(),
        labelsKey: "",
        ruleName: `scaleout ${t}`,
        ruleKind: "threshold",
        severity: "warning",
        metric: "cpu_usage",
        labels: {},
        value: 99,
        threshold: 90,
        atMs: Date.now(),
      });
      await a.platform.incidents.whenIdle();
      const { at, visible } = commits.last();
      const last = visible.at(-1);
      if (!last) throw new Error("the commit published no change");
      const [onOther, onSame] = await Promise.all([arrival(atB, last), arrival(atA, last)]);
      if (t >= 0) {
        cross.push(onOther - at); // t < 0: warm-up
        same.push(onSame - at);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);
    const c = sorted(cross);
    const s = sorted(same);
    const common = { unit: "ms", db: "postgres", trials };
    return [
      {
        bench: "realtime.cross_process_p99_ms",
        value: round2(percentile(c, 99)),
        ...common,
        p50Ms: round2(percentile(c, 50)),
        maxMs: round2(c.at(-1)!),
        goalMs: 100,
        duplicates: atB.twice,
      },
      {
        bench: "realtime.same_process_p99_ms",
        value: round2(percentile(s, 99)),
        ...common,
        p50Ms: round2(percentile(s, 50)),
        maxMs: round2(s.at(-1)!),
        duplicates: atA.twice,
      },
    ];
  } finally {
    sockets.forEach((s) => s.close());
    await b.stop();
    await a.stop();
    await pg.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const line of await main()) process.stdout.write(JSON.stringify(line) + "\n");
}
