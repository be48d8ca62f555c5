// ingest.remote_write.vs_prometheus: our CPU cost per sample against Prometheus 2.42's own
// remote-write receiver on the same bodies, same run. Prometheus runs as a child process
// (GOMAXPROCS=1, fresh TSDB in a temp dir) and receives the bodies over HTTP; its CPU time is
// read from /proc. Ours is the in-process pipeline (no HTTP). value = Prometheus CPU-s per
// million samples / ours, i.e. how many times more samples we take per core-second.
// Skipped (value null) when no `prometheus` binary is installed.
// Run: node --import tsx bench/ingest/remote-write-vs-prometheus.bench.ts
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IngestPipeline, type IngestContext } from "../../src/ingest/ingest-pipeline.js";
import { isMain, median, remoteWritePushes } from "./fixtures.js";
import { print, round3, benchRuleEngine, timeRun, type BenchLine } from "./harness.js";

export interface VsPrometheusOptions {
  runs?: number;
  pushesPerRun?: number;
  components?: number;
  binary?: string;
}

export async function main(opts: VsPrometheusOptions = {}): Promise<BenchLine[]> {
  const bench = "ingest.remote_write.vs_prometheus";
  const binary = opts.binary ?? "prometheus";
  const version = spawnSync(binary, ["--version"], { encoding: "utf8" });
  if (version.error !== undefined || version.status !== 0) {
    return [{ bench, value: Number.NaN, unit: "ratio", skipped: `${binary} not found` }];
  }
  const runs = opts.runs ?? 5;
  const pushes = opts.pushesPerRun ?? 20;
  const components = opts.components ?? 100;
  // Prometheus only takes samples near its head: start 30 min ago, 10 s a push.
  const t0 = Math.floor(Date.now() / 10_000) * 10_000 - 30 * 60_000;
  const ours = remoteWritePushes(components, t0);
  const theirs = remoteWritePushes(components, t0);
  const samples = pushes * ours.specs.length;

  const pipeline = new IngestPipeline({ rules: benchRuleEngine(), maxFutureMs: 3_600_000 });
  const ctx: IngestContext = {
    kind: "contract",
    contractId: "bench",
    resolveComponent: (i) => ours.targets.get(i),
  };
  const ingest = (bodies: Array<{ body: Uint8Array; now: number }>) => {
    for (const b of bodies) pipeline.ingestRemoteWrite(ctx, b.body, b.now);
  };

  const prom = await startPrometheus(binary);
  try {
    const post = async (body: Uint8Array) => {
      const res = await fetch(prom.url, {
        method: "POST",
        body: body as Uint8Array<ArrayBuffer>,
        headers: {
          "content-encoding": "snappy",
          "content-type": "application/x-protobuf",
          "x-prometheus-remote-write-version": "0.1.0",
        },
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`prometheus answered ${res.status}`);
    };
    ingest(Array.from({ length: 10 }, ours.nextBody));
    for (let i = 0; i < 10; i++) await post(theirs.nextBody().body);
    const oursCpu: number[] = [];
    const theirCpu: number[] = [];
    for (let r = 0; r < runs; r++) {
      const a = Array.from({ length: pushes }, ours.nextBody);
      oursCpu.push(timeRun(() => ingest(a)).cpuS);
      const b = Array.from({ length: pushes }, theirs.nextBody);
      const before = prom.cpuS();
      for (const x of b) await post(x.body);
      theirCpu.push(prom.cpuS() - before);
    }
    const oursPerM = median(oursCpu) / (samples / 1e6);
    const theirsPerM = median(theirCpu) / (samples / 1e6);
    return [
      {
        bench,
        value: round3(theirsPerM / oursPerM),
        unit: "ratio",
        runs,
        cpuSPerMillion: round3(oursPerM),
        prometheusCpuSPerMillion: round3(theirsPerM),
        prometheus: version.stdout.split("\n")[0],
        note: "Prometheus measured through HTTP with GOMAXPROCS=1; ours in-process",
      },
    ];
  } finally {
    prom.stop();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function startPrometheus(binary: string) {
  const dir = mkdtempSync(join(tmpdir(), "bench-prom-"));
  writeFileSync(join(dir, "prometheus.yml"), "global: {}\n");
  const port = await freePort();
  const child = spawn(
    binary,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--web.enable-remote-write-receiver",
    ],
    { env: { ...process.env, GOMAXPROCS: "1" }, stdio: "ignore" },
  );
  const pid = child.pid!;
  const stop = () => {
    child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ready = await fetch(`${base}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (i > 100) {
      stop();
      throw new Error("prometheus did not become ready");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // utime + stime (fields 14 and 15 of /proc/pid/stat), in clock ticks of 1/100 s.
  const cpuS = () => {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  return { url: `${base}/api/v1/write`, cpuS, stop };
}

if (isMain(import.meta.url)) print(await main());
