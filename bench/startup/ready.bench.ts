// Time from `npm start`'s entry point to /readyz answering 200, on the embedded defaults:
// a fresh DATA_DIR (initdb and migrations included) and a restart on the same directory.
// The figure decision 0001 quotes; the e2e test only gives the process a deadline.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

type Line = { bench: string; value: number; unit: string; runs: number };

const exited = (child: ChildProcess) =>
  new Promise<void>((r) => (child.exitCode !== null ? r() : child.once("exit", () => r())));

async function timeToReady(dataDir: string, port: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`platform exited ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return (performance.now() - started) / 1000;
      if (performance.now() - started > 180_000) throw new Error("not ready in 180 s");
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    child.kill("SIGTERM");
    await exited(child);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function main(): Promise<Line[]> {
  const runs = Number(process.env.STARTUP_BENCH_RUNS ?? 3);
  const fresh: number[] = [];
  const restart: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), "msp-bench-startup-"));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    try {
      fresh.push(await timeToReady(dir, port));
      restart.push(await timeToReady(dir, port));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const r = (x: number) => Math.round(x * 10) / 10;
  return [
    { bench: "startup.fresh_ready_s", value: r(median(fresh)), unit: "s", runs },
    { bench: "startup.restart_ready_s", value: r(median(restart)), unit: "s", runs },
  ];
}
