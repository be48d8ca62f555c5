import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { Payload } from "../src/points.js";
import { acceptedSamples, freePort, startReceiver, until } from "./receiver.js";

const CLI = fileURLToPath(new URL("../src/cli.js", import.meta.url));

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env["PATH"] ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  return { child, exited, out: () => stdout, err: () => stderr };
}

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe("msp-agent --once", () => {
  it.runIf(process.platform === "linux")(
    "prints one collection as valid JSON in the batch schema and exits 0",
    async () => {
      const p = run(["--once"]);
      expect(await p.exited).toBe(0);
      const payload = JSON.parse(p.out()) as Payload;
      expect(payload).toMatchObject({
        version: 1,
        agent: { name: "msp-agent" },
        os: "linux",
        host: os.hostname(),
      });
      const names = new Set(payload.series.map((s) => s.name));
      for (const n of [
        "node_cpu_seconds_total",
        "node_load1",
        "node_memory_MemAvailable_bytes",
        "node_uptime_seconds",
        "node_procs_total",
      ]) {
        expect(names).toContain(n);
      }
      for (const s of payload.series) {
        expect(s.samples).toHaveLength(1);
        expect(Number.isInteger(s.samples[0]![0])).toBe(true);
        expect(Number.isFinite(s.samples[0]![1])).toBe(true);
        for (const v of Object.values(s.labels)) expect(typeof v).toBe("string");
      }
      expect(p.err()).toBe("");
    },
  );
});

describe("msp-agent", () => {
  it("refuses a bad configuration with exit code 2, naming the field", async () => {
    const p = run([], {
      MSP_AGENT_URL: "http://127.0.0.1:1",
      MSP_AGENT_TOKEN: "t",
      MSP_AGENT_INTERVAL_S: "abc",
    });
    expect(await p.exited).toBe(2);
    expect(p.err()).toContain(
      'intervalS: must be a number between 1 and 3600, got "abc" (from MSP_AGENT_INTERVAL_S)',
    );
  });

  it.runIf(process.platform === "linux")(
    "spools while the collector is down, and delivers after a restart; SIGTERM exits 0",
    async () => {
      const dir = mkdtempSync(join(os.tmpdir(), "msp-cli-"));
      dirs.push(dir);
      const spool = join(dir, "spool.jsonl");
      const port = await freePort();
      const env = {
        MSP_AGENT_URL: `http://127.0.0.1:${port}`,
        MSP_AGENT_TOKEN: "tok",
        MSP_AGENT_INTERVAL_S: "1",
        MSP_AGENT_SPOOL: spool,
      };
      const first = run([], env);
      await until(() => existsSync(spool) && readFileSync(spool, "utf8").includes("node_load1"));
      first.child.kill("SIGTERM");
      expect(await first.exited).toBe(0);
      const spooledTs = readFileSync(spool, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).ts);

      const receiver = await startReceiver(port);
      try {
        const second = run([], env);
        await until(() => receiver.accepted().length > 0 && readFileSync(spool, "utf8") === "");
        second.child.kill("SIGTERM");
        expect(await second.exited).toBe(0);
        const samples = acceptedSamples(receiver.accepted());
        expect(spooledTs.length).toBeGreaterThan(0);
        for (const ts of spooledTs)
          expect(samples.filter((s) => s.startsWith(`node_load1{}@${ts}=`))).toHaveLength(1);
        expect(new Set(samples).size).toBe(samples.length);
        expect(receiver.requests[0]!.headers["authorization"]).toBe("Bearer tok");
      } finally {
        await receiver.close();
      }
    },
    20_000,
  );
});
