// @ts-check
// Composition root: parses arguments and config, builds the parts, wires signals.
import { Agent } from "./agent.js";
import { SampleBuffer } from "./buffer.js";
import { ConfigError, loadConfig } from "./config.js";
import { Delivery } from "./delivery.js";
import { createLogger, silentLogger } from "./log.js";
import { buildPayload, pointsToSeries } from "./points.js";
import { Spool } from "./spool.js";
import { createHttpTransport } from "./transport.js";
import { AGENT_NAME, AGENT_VERSION } from "./version.js";

/** Bounded so a stop never hangs a service manager; what is left stays in the spool. */
const SHUTDOWN_FLUSH_MS = 5_000;

export const USAGE = `Usage: msp-agent [--config <file.json>] [--once] [--version] [--help]

  --config <file>  JSON config file; MSP_AGENT_* environment variables override it
  --once           collect once, print the batch as JSON on stdout, exit (sends nothing)

Environment: MSP_AGENT_URL, MSP_AGENT_TOKEN, MSP_AGENT_INTERVAL_S, MSP_AGENT_SPOOL,
MSP_AGENT_BUFFER_SAMPLES. See README.md for every setting and the payload schema.`;

/** @param {string[]} argv @returns {{ configPath: string | null, once: boolean, help: boolean, version: boolean }} */
export function parseArgs(argv) {
  const out = {
    configPath: /** @type {string | null} */ (null),
    once: false,
    help: false,
    version: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--once") out.once = true;
    else if (arg === "--help" || arg === "-h") out.help = true;
    else if (arg === "--version") out.version = true;
    else if (arg === "--config") {
      const path = argv[++i];
      if (!path) throw new ConfigError(["--config: needs a file path"]);
      out.configPath = path;
    } else if (arg.startsWith("--config=")) out.configPath = arg.slice("--config=".length);
    else throw new ConfigError([`${arg}: unknown argument`]);
  }
  return out;
}

/**
 * Platform modules are imported on demand so each platform loads only its own code.
 * @param {import("./config.js").AgentConfig} config @param {import("./log.js").Logger} log
 * @param {boolean} once typeperf streams over time, so a single collection does without it
 * @returns {Promise<import("./points.js").Collector>}
 */
export async function createCollector(config, log, once) {
  if (process.platform === "linux") {
    const { createLinuxCollector } = await import("./linux-collector.js");
    return createLinuxCollector({
      procRoot: config.procRoot,
      perCpu: config.perCpu,
      includeOverlayFs: config.includeOverlayFs,
      ...(config.diskDeviceExclude ? { diskDeviceExclude: config.diskDeviceExclude } : {}),
      ...(config.netDeviceExclude ? { netDeviceExclude: config.netDeviceExclude } : {}),
      log,
    });
  }
  if (process.platform === "win32") {
    const { DEFAULT_COUNTERS, TypeperfAccumulator } = await import("./typeperf.js");
    const { createWindowsCollector, startTypeperf } = await import("./windows-collector.js");
    const counters = config.typeperfCounters ?? DEFAULT_COUNTERS;
    const accumulator = new TypeperfAccumulator(counters, config.intervalS);
    const runner = once
      ? null
      : startTypeperf({ accumulator, counters, intervalS: config.intervalS, log });
    const collector = createWindowsCollector({ typeperf: accumulator, perCpu: config.perCpu });
    return { ...collector, close: () => runner?.stop() };
  }
  throw new ConfigError([`platform ${process.platform}: unsupported (linux and win32 only)`]);
}

/**
 * @param {string[]} argv
 * @returns {Promise<number | null>} an exit code, or null while the agent keeps running
 */
export async function main(argv) {
  try {
    const args = parseArgs(argv);
    if (args.help || args.version) {
      process.stdout.write(args.help ? USAGE + "\n" : `${AGENT_NAME} ${AGENT_VERSION}\n`);
      return 0;
    }
    const config = loadConfig({ configPath: args.configPath, requireDestination: !args.once });
    if (args.once) return await printOnce(config);
    await runAgent(config);
    return null;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`msp-agent: ${err.message}\n`);
    return 2;
  }
}

/** @param {import("./config.js").AgentConfig} config */
async function printOnce(config) {
  const collector = await createCollector(config, silentLogger, true);
  const ts = Date.now();
  const points = await collector.collect();
  const payload = buildPayload({
    os: collector.os,
    host: config.hostname,
    series: pointsToSeries(points, ts),
  });
  // One series per line: readable by eye, still a single JSON document for jq.
  const { series, ...head } = payload;
  const lines = series.map((s) => "  " + JSON.stringify(s)).join(",\n");
  process.stdout.write(`${JSON.stringify(head).slice(0, -1)},"series":[\n${lines}\n]}\n`);
  return 0;
}

/** @param {import("./config.js").AgentConfig} config */
async function runAgent(config) {
  const log = createLogger({ level: config.logLevel });
  const collector = await createCollector(config, log, false);
  const spool = config.spool ? new Spool(config.spool, { log }) : null;
  let buffer;
  try {
    buffer = new SampleBuffer({ capacitySamples: config.bufferSamples, spool, log });
  } catch (err) {
    throw new ConfigError([`spool: cannot open ${config.spool} (${String(err)})`]);
  }
  const transport = createHttpTransport({
    url: /** @type {string} */ (config.url),
    token: /** @type {string} */ (config.token),
    timeoutMs: config.timeoutS * 1000,
  });
  const delivery = new Delivery({
    buffer,
    transport,
    os: collector.os,
    host: config.hostname,
    maxBatchSamples: config.maxBatchSamples,
    log,
  });
  const agent = new Agent({
    collector,
    buffer,
    delivery,
    intervalMs: config.intervalS * 1000,
    log,
  });

  let stopping = false;
  /** @param {NodeJS.Signals} signal */
  const onSignal = (signal) => {
    if (stopping) process.exit(1); // a second signal means "now"
    stopping = true;
    log.info("stopping", { signal });
    agent.stop(SHUTDOWN_FLUSH_MS).then((flushed) => {
      log.info("stopped", { flushed, unsentSamples: buffer.size, spooled: spool !== null });
      process.exit(0);
    });
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  process.on("SIGBREAK", onSignal); // Windows has no SIGTERM: wrappers send Ctrl+C or Ctrl+Break

  const { url, intervalS, hostname: host } = config;
  log.info("started", {
    version: AGENT_VERSION,
    os: collector.os,
    host,
    url,
    intervalS,
    spool: config.spool,
    restoredSamples: buffer.size,
  });
  agent.start();
}
