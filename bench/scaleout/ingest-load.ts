// Shared plumbing of the HTTP ingest benches (ingest.scaleout_ratio, ingest.remote_write_http,
// ingest.rss_bytes_per_series): tenants with contract tokens in a fresh PostgreSQL database,
// collector processes (`tsx src/main.ts`, ROLES=collector), nginx in front, a cheap closed-loop
// remote_write load generator, and per-process CPU and RSS read from /proc.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  WriteRequestEncoder,
  type EncodableSeries,
} from "../../src/ingest/remote-write-encoder.js";
import { snappyCompress } from "../../src/ingest/snappy.js";
import {
  freePort,
  startPlatformProcess,
  type PlatformProcess,
} from "../../test/support/platform-processes.js";
import { nodeExporterSeries, type SeriesSpec } from "../ingest/fixtures.js";
import { makeTenant, startBenchPlatform } from "../realtime/bench-platform.js";

/** One contract: its contract-wide remote_write token and its components (global indexes). */
export interface Tenant {
  token: string;
  components: number[];
}

const pad = (c: number) => String(c).padStart(5, "0");

/**
 * `contracts` active Standard contracts of `perContract` components each (named vm-NNNNN, as
 * the fixtures' `instance` labels), each with a contract token. The API process that made them
 * is stopped before returning, so it takes no CPU from the measurement.
 */
export async function makeTenants(
  dbUrl: string,
  contracts: number,
  perContract: number,
): Promise<Tenant[]> {
  const bp = await startBenchPlatform({ DATABASE_URL: dbUrl, ROLES: "api" });
  try {
    const out: Tenant[] = [];
    for (let k = 0; k < contracts; k++) {
      const { contractId } = await makeTenant(bp, "standard", 0);
      const components = Array.from({ length: perContract }, (_, i) => k * perContract + i);
      await bp.platform.db.dataSource.query(
        `INSERT INTO components (contract_id, name, os, active_from)
         SELECT $1, 'vm-' || n, 'linux', '2026-01-01' FROM unnest($2::text[]) n`,
        [contractId, components.map(pad)],
      );
      const { token } = await bp.api<{ token: string }>(
        "post",
        `/contracts/${contractId}/agent-tokens`,
      );
      out.push({ token, components });
    }
    return out;
  } finally {
    await bp.stop();
  }
}

/**
 * What one Prometheus remote_write shard sends: the node_exporter-like series of its
 * components (100 each, labels sorted), one sample per series per body, 10 s apart.
 */
export class ShardBodies {
  private readonly specs: SeriesSpec[];
  private readonly series: EncodableSeries[];
  private readonly ts: Float64Array;
  private readonly values: Float64Array;
  private readonly encoder = new WriteRequestEncoder({ cacheLabels: true });

  constructor(
    readonly token: string,
    components: readonly number[],
  ) {
    this.specs = components.flatMap((c) => nodeExporterSeries(c));
    this.series = this.specs.map((s, i) => ({ labels: sortLabels(s.labels), samples: [i] }));
    this.ts = new Float64Array(this.specs.length);
    this.values = new Float64Array(this.specs.length);
  }

  get samplesPerBody(): number {
    return this.specs.length;
  }

  /** The next body, every series at `t` (values advance one scrape per call). */
  body(t: number): Buffer {
    this.ts.fill(t);
    for (let i = 0; i < this.specs.length; i++) this.values[i] = this.specs[i]!.next();
    const b = snappyCompress(this.encoder.encode(this.series, this.ts, this.values));
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  }
}

function sortLabels(l: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * A keep-alive remote_write sender: one POST, the response read to the end. It writes the
 * request bytes on a plain socket (one per request in flight, reused) and reads the answer
 * by its Content-Length, as a load generator should: Node's HTTP client cost 0.10–0.18
 * CPU-s per million samples, taken from the same 2 cores as the collectors it measures.
 */
export class Sender {
  private readonly idle: net.Socket[] = [];
  private readonly open = new Set<net.Socket>();
  private readonly url: URL;
  constructor(base: string) {
    this.url = new URL("/api/v1/write", base);
  }

  post(token: string, body: Buffer): Promise<{ status: number; text: string }> {
    const head = Buffer.from(
      `POST ${this.url.pathname} HTTP/1.1\r\nHost: ${this.url.host}\r\n` +
        `Authorization: Bearer ${token}\r\nContent-Encoding: snappy\r\n` +
        `Content-Type: application/x-protobuf\r\nX-Prometheus-Remote-Write-Version: 0.1.0\r\n` +
        `Content-Length: ${body.length}\r\n\r\n`,
      "latin1",
    );
    const socket = this.idle.pop() ?? this.connect();
    return new Promise((resolve, reject) => {
      let got: Buffer = Buffer.alloc(0);
      const done = (err: Error | null, answer?: { status: number; text: string }) => {
        socket.off("data", onData);
        socket.off("error", onError);
        socket.off("close", onClose);
        if (err) {
          socket.destroy();
          reject(err);
        } else {
          if (socket.writable) this.idle.push(socket);
          resolve(answer!);
        }
      };
      const onData = (d: Buffer) => {
        got = got.length === 0 ? d : Buffer.concat([got, d]);
        const end = got.indexOf("\r\n\r\n");
        if (end < 0) return;
        const header = got.toString("latin1", 0, end);
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(header)?.[1] ?? 0);
        const length = /\r\ncontent-length: *(\d+)/i.exec(header)?.[1];
        if (status === 0 || length === undefined) {
          done(new Error(`unreadable answer (no status or Content-Length): ${header}`));
          return;
        }
        if (got.length < end + 4 + Number(length)) return;
        if (got.length > end + 4 + Number(length)) {
          done(new Error("bytes after the answer on a connection with one request in flight"));
          return;
        }
        // A server that ends the connection says so (nginx after keepalive_requests).
        if (/\r\nconnection: *close/i.test(header)) socket.end();
        done(null, { status, text: got.toString("utf8", end + 4) });
      };
      const onError = (err: Error) => done(err);
      const onClose = () => done(new Error("connection closed before the answer"));
      socket.on("data", onData);
      socket.on("error", onError);
      socket.on("close", onClose);
      socket.cork();
      socket.write(head);
      socket.write(body);
      socket.uncork();
    });
  }

  private connect(): net.Socket {
    const socket = net.connect({ host: this.url.hostname, port: Number(this.url.port) });
    socket.setNoDelay(true);
    // An idle socket the server resets (a collector stopped) must not throw in this process;
    // 'close' follows and removes it, and a request in flight has its own listener.
    socket.on("error", () => undefined);
    this.open.add(socket);
    socket.once("close", () => {
      this.open.delete(socket);
      const i = this.idle.indexOf(socket);
      if (i >= 0) this.idle.splice(i, 1);
    });
    return socket;
  }

  close(): void {
    for (const s of this.open) s.destroy();
  }
}

/** A remote_write answer that did not accept every sample is a bench failure. */
export function checkAccepted(r: { status: number; text: string }, expected: number): void {
  if (r.status !== 200) throw new Error(`push answered ${r.status}: ${r.text.slice(0, 300)}`);
  const accepted = (JSON.parse(r.text) as { acceptedSamples: number }).acceptedSamples;
  if (accepted !== expected) throw new Error(`push accepted ${accepted} of ${expected}: ${r.text}`);
}

/** utime + stime of a process in seconds (/proc/<pid>/stat, clock ticks of 1/100 s). */
export function procCpuS(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds of every PostgreSQL process on this machine (the server the collectors flush
 * their rollups to shares the cores with them). Backends that exited take theirs with them:
 * read it across an interval in which the collectors' connections stay open.
 */
export function postgresCpuS(): number {
  let total = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (!stat.includes("(postgres)")) continue;
      const fields = stat.split(") ")[1]!.split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // the process exited meanwhile
    }
  }
  return total;
}

/** Resident bytes of the process' brk heap (glibc's main malloc arena), from /proc smaps. */
export function brkHeapRssBytes(pid: number): number {
  const smaps = readFileSync(`/proc/${pid}/smaps`, "utf8");
  const at = smaps.indexOf("[heap]");
  if (at < 0) return 0;
  const m = /\nRss:\s+(\d+) kB/.exec(smaps.slice(at));
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * Asks glibc in process `pid` to hand its free pages back (malloc_trim(0), through gdb), so
 * RSS read afterwards leaves out what the allocator only keeps. False when gdb is missing.
 */
export function mallocTrim(pid: number): boolean {
  const r = spawnSync("gdb", ["-p", String(pid), "-batch", "-ex", "call (int)malloc_trim(0)"], {
    encoding: "utf8",
    timeout: 60_000,
  });
  return r.error === undefined && r.status === 0;
}

/** Resident set size of a process in bytes (/proc/<pid>/status VmRSS). */
export function procRssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

/** memoryUsage() after a full GC, V8's resident bytes per heap space, RSS, glibc's arena. */
export type Measurement = NodeJS.MemoryUsage & {
  spaces?: Record<string, number>;
  procRss: number;
  brkHeap: number;
};

export interface Collector extends PlatformProcess {
  pid: number;
  /** Full GC in the process (SIGUSR2, gc-on-signal.mjs), then its memoryUsage() and RSS. */
  gcAndMeasure(): Promise<Measurement>;
}

/** A fixed glibc mmap threshold, measured by decision 0021 (not the image's default). */
export const MALLOC_MMAP_THRESHOLD = "131072";

/** How the collectors' malloc was set up, for the bench lines. */
export const mallocSetting = (): string =>
  process.env.BENCH_FIXED_MMAP_THRESHOLD === "1"
    ? `MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD}`
    : "glibc default";

const gcHook = fileURLToPath(new URL("./gc-on-signal.mjs", import.meta.url));

/**
 * A collector-only platform process on `dbUrl`. The per-component rate limit is lifted: the
 * benches compress time (a component sends an hour of 10 s scrapes in seconds), so a real
 * agent's limit would refuse what is a normal rate in the data's own time.
 */
export async function startCollector(
  dbUrl: string,
  env: Record<string, string> = {},
): Promise<Collector> {
  const dir = mkdtempSync(join(tmpdir(), "bench-collector-"));
  const memFile = join(dir, "mem.json");
  const p = await startPlatformProcess(
    {
      DATABASE_URL: dbUrl,
      ROLES: "collector",
      INGEST_SAMPLES_PER_S: "10000000",
      INGEST_MAX_BODY_KB: "65536",
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --expose-gc --import=${gcHook}`.trim(),
      BENCH_MEM_FILE: memFile,
      // As production runs (glibc default); BENCH_FIXED_MMAP_THRESHOLD=1: decision 0021's.
      ...(process.env.BENCH_FIXED_MMAP_THRESHOLD === "1"
        ? { MALLOC_MMAP_THRESHOLD_: MALLOC_MMAP_THRESHOLD }
        : {}),
      ...env,
    },
    180_000,
  );
  const pid = p.child.pid!;
  return {
    ...p,
    pid,
    stop: async () => {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    gcAndMeasure: async () => {
      rmSync(memFile, { force: true });
      p.child.kill("SIGUSR2");
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          const m = JSON.parse(readFileSync(memFile, "utf8")) as Omit<
            Measurement,
            "procRss" | "brkHeap"
          >;
          return { ...m, procRss: procRssBytes(pid), brkHeap: brkHeapRssBytes(pid) };
        } catch {
          if (Date.now() > deadline) throw new Error("collector did not answer the GC signal");
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    },
  };
}

export function nginxAvailable(): boolean {
  const r = spawnSync("nginx", ["-v"], { encoding: "utf8" });
  return r.error === undefined && r.status === 0;
}

/**
 * Debian's nginx on a loopback port in front of `upstreams`, as a child process with its
 * config in a temp dir (single process: `master_process off`, so its CPU is one pid's).
 * A push goes to the collector its token hashes to (consistent hashing by token: a
 * contract's pushes reach one collector, whose series and rule state are then complete).
 */
export async function startNginx(upstreams: readonly string[]): Promise<{
  url: string;
  pid: number;
  stop: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), "bench-nginx-"));
  for (const d of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(join(dir, d));
  const port = await freePort();
  const servers = upstreams.map((u) => `    server ${new URL(u).host};`).join("\n");
  writeFileSync(
    join(dir, "nginx.conf"),
    `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 64m;
  client_body_buffer_size 4m;
  upstream collectors {
    hash $http_authorization consistent;
${servers}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://collectors;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`,
  );
  const child: ChildProcess = spawn("nginx", ["-p", dir, "-c", join(dir, "nginx.conf")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) =>
    child.exitCode !== null ? r() : child.once("exit", () => r()),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${url}/readyz`).then(
      (r) => r.status < 500,
      () => false,
    );
    if (up) break;
    if (child.exitCode !== null || i > 100) {
      await stop();
      throw new Error(`nginx did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, pid: child.pid!, stop };
}
