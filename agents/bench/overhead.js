#!/usr/bin/env node
// @ts-check
// Overhead of the agent's real collect-and-send loop: CPU share of one core and resident
// memory, measured in this process while a dummy collector runs in a child process.
// Usage: node agents/bench/overhead.js [--interval <s>] [--duration <s>]
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Agent } from "../src/agent.js";
import { SampleBuffer } from "../src/buffer.js";
import { parseConfig } from "../src/config.js";
import { Delivery } from "../src/delivery.js";
import { silentLogger } from "../src/log.js";
import { createCollector } from "../src/main.js";
import { createHttpTransport } from "../src/transport.js";

/** @param {string} name @param {number} fallback */
function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0)
    throw new Error(`--${name}: must be a positive number of seconds`);
  return v;
}

const intervalS = flag("interval", 10);
const durationS = flag("duration", 60);
const MIB = 1024 * 1024;

const receiver = spawn(
  process.execPath,
  [fileURLToPath(new URL("./dummy-receiver.js", import.meta.url))],
  {
    stdio: ["ignore", "pipe", "inherit"],
  },
);
const lines = createInterface({
  input: /** @type {import("node:stream").Readable} */ (receiver.stdout),
})[Symbol.asyncIterator]();
const { port } = JSON.parse((await lines.next()).value);

const config = parseConfig(
  { url: `http://127.0.0.1:${port}`, token: "bench", intervalS },
  {},
  true,
);
const collector = await createCollector(config, silentLogger, false);
const buffer = new SampleBuffer({ capacitySamples: config.bufferSamples });
const transport = createHttpTransport({
  url: `http://127.0.0.1:${port}`,
  token: "bench",
  timeoutMs: 10_000,
});
const delivery = new Delivery({ buffer, transport, os: collector.os, host: config.hostname });
const agent = new Agent({ collector, buffer, delivery, intervalMs: intervalS * 1000 });

// Start measuring after the first collection: module loading and the first statfs calls are
// a one-off, while the goal is about the agent's steady state.
agent.start();
await agent.collecting;
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
await new Promise((r) => setTimeout(r, durationS * 1000));
const cpu = process.cpuUsage(cpu0);
const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
const rss = process.memoryUsage().rss;
await agent.stop(5_000);

receiver.kill("SIGTERM");
const received = JSON.parse((await lines.next()).value ?? "{}");

/** Private (anonymous) resident memory: rss minus the node binary's file pages, which are shared. */
function anonRssMiB() {
  if (process.platform !== "linux") return undefined;
  const m = /RssAnon:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? round(Number(m[1]) / 1024) : undefined;
}
/** @param {number} n */
function round(n) {
  return Math.round(n * 1000) / 1000;
}

const common = { interval_s: intervalS, duration_s: round(wallS), node: process.version };
const cpuPercent = ((cpu.user + cpu.system) / 1e6 / wallS) * 100;
console.log(
  JSON.stringify({
    bench: "agent.cpu_percent",
    value: round(cpuPercent),
    unit: "%",
    goal: "< 1",
    ...common,
    requests: received.requests,
    samples_sent: received.samples,
  }),
);
console.log(
  JSON.stringify({
    bench: "agent.rss_mib",
    value: round(rss / MIB),
    unit: "MiB",
    goal: "< 40",
    ...common,
    peak_rss_mib: round(process.resourceUsage().maxRSS / 1024),
    rss_anon_mib: anonRssMiB(),
  }),
);
