// @ts-check
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

/**
 * @typedef {{
 *   url: string | null, token: string | null, intervalS: number, spool: string | null,
 *   bufferSamples: number, maxBatchSamples: number, timeoutS: number, hostname: string,
 *   procRoot: string, perCpu: boolean, includeOverlayFs: boolean,
 *   diskDeviceExclude: string | null, netDeviceExclude: string | null,
 *   typeperfCounters: import("./typeperf.js").CounterSpec[] | null,
 *   logLevel: import("./log.js").Level,
 * }} AgentConfig
 * @typedef {{ type: "url" | "string" | "number" | "integer" | "boolean" | "regex" | "level" | "counters",
 *   env?: string, min?: number, max?: number, default: unknown }} FieldSpec
 */

/** Every setting, its environment variable (env wins over the file) and its default. */
/** @type {Record<keyof AgentConfig, FieldSpec>} */
export const FIELDS = {
  url: { type: "url", env: "MSP_AGENT_URL", default: null },
  token: { type: "string", env: "MSP_AGENT_TOKEN", default: null },
  intervalS: { type: "number", env: "MSP_AGENT_INTERVAL_S", min: 1, max: 3600, default: 10 },
  spool: { type: "string", env: "MSP_AGENT_SPOOL", default: null },
  bufferSamples: {
    type: "integer",
    env: "MSP_AGENT_BUFFER_SAMPLES",
    min: 1000,
    max: 10_000_000,
    default: 100_000,
  },
  maxBatchSamples: { type: "integer", min: 100, max: 1_000_000, default: 10_000 },
  timeoutS: { type: "number", min: 1, max: 300, default: 10 },
  hostname: { type: "string", default: null },
  procRoot: { type: "string", default: "/proc" },
  perCpu: { type: "boolean", default: true },
  includeOverlayFs: { type: "boolean", default: false },
  diskDeviceExclude: { type: "regex", default: null },
  netDeviceExclude: { type: "regex", default: null },
  typeperfCounters: { type: "counters", default: null },
  logLevel: { type: "level", default: "info" },
};

/** Thrown with every problem at once, each line naming the field and where the value came from. */
export class ConfigError extends Error {
  /** @param {string[]} issues */
  constructor(issues) {
    super(`invalid configuration:\n  - ${issues.join("\n  - ")}`);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/**
 * @param {{ configPath?: string | null, env?: Record<string, string | undefined>,
 *   requireDestination: boolean, readFile?: (path: string) => string }} opts
 * @returns {AgentConfig}
 */
export function loadConfig(opts) {
  /** @type {Record<string, unknown>} */
  let file = {};
  if (opts.configPath) {
    const read = opts.readFile ?? ((p) => readFileSync(p, "utf8"));
    let text;
    try {
      text = read(opts.configPath);
    } catch (err) {
      throw new ConfigError([
        `--config ${opts.configPath}: cannot read (${/** @type {Error} */ (err).message})`,
      ]);
    }
    try {
      file = JSON.parse(text);
    } catch (err) {
      throw new ConfigError([
        `--config ${opts.configPath}: not valid JSON (${/** @type {Error} */ (err).message})`,
      ]);
    }
    if (typeof file !== "object" || file === null || Array.isArray(file)) {
      throw new ConfigError([`--config ${opts.configPath}: must be a JSON object`]);
    }
  }
  return parseConfig(file, opts.env ?? process.env, opts.requireDestination);
}

/**
 * @param {Record<string, unknown>} file @param {Record<string, string | undefined>} env
 * @param {boolean} requireDestination false for `--once`, which sends nothing
 * @returns {AgentConfig}
 */
export function parseConfig(file, env, requireDestination) {
  /** @type {string[]} */
  const issues = [];
  for (const key of Object.keys(file)) {
    if (!(key in FIELDS))
      issues.push(`${key}: unknown field (known: ${Object.keys(FIELDS).join(", ")})`);
  }
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [name, spec] of Object.entries(FIELDS)) {
    const fromEnv = spec.env !== undefined && env[spec.env] !== undefined && env[spec.env] !== "";
    const raw = fromEnv ? env[/** @type {string} */ (spec.env)] : file[name];
    const where = fromEnv ? `${spec.env}` : "config file";
    if (raw === undefined || raw === null) {
      out[name] = name === "hostname" ? hostname() : spec.default;
      continue;
    }
    const result = coerce(spec, raw, fromEnv);
    if (typeof result === "string")
      issues.push(`${name}: ${result}, got ${JSON.stringify(raw)} (from ${where})`);
    else out[name] = result.value;
  }
  if (requireDestination) {
    // `in out`: a present but invalid value is already reported above.
    if ("url" in out && out["url"] === null)
      issues.push('url: required (set MSP_AGENT_URL or "url" in the config file)');
    if ("token" in out && out["token"] === null) {
      issues.push('token: required (set MSP_AGENT_TOKEN or "token" in the config file)');
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return /** @type {AgentConfig} */ (out);
}

/**
 * @param {FieldSpec} spec @param {unknown} raw @param {boolean} fromEnv env values are strings
 * @returns {{ value: unknown } | string} the value, or what is wrong with it
 */
function coerce(spec, raw, fromEnv) {
  switch (spec.type) {
    case "string":
      return typeof raw === "string" && raw.trim() !== "" && !/[\r\n]/.test(raw)
        ? { value: raw }
        : "must be a non-empty single-line string";
    case "url": {
      if (typeof raw !== "string") return "must be an http(s) URL string";
      try {
        const u = new URL(raw);
        if (u.protocol === "http:" || u.protocol === "https:")
          return { value: raw.replace(/\/+$/, "") };
      } catch {
        // reported below
      }
      return "must be an http:// or https:// URL";
    }
    case "number":
    case "integer": {
      const n = fromEnv && typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
      const ok =
        typeof n === "number" &&
        Number.isFinite(n) &&
        (spec.type === "number" || Number.isInteger(n));
      const range = `between ${spec.min} and ${spec.max}`;
      if (!ok) return `must be ${spec.type === "integer" ? "an integer" : "a number"} ${range}`;
      return n >= (spec.min ?? -Infinity) && n <= (spec.max ?? Infinity)
        ? { value: n }
        : `must be ${range}`;
    }
    case "boolean":
      return typeof raw === "boolean" ? { value: raw } : "must be true or false";
    case "regex":
      if (typeof raw !== "string") return "must be a regular expression string";
      try {
        new RegExp(raw);
        return { value: raw };
      } catch {
        return "must be a valid regular expression";
      }
    case "level":
      return ["debug", "info", "warn", "error"].includes(/** @type {string} */ (raw))
        ? { value: raw }
        : "must be one of debug, info, warn, error";
    case "counters":
      return validateCounters(raw);
  }
}

/** @param {unknown} raw @returns {{ value: unknown } | string} */
function validateCounters(raw) {
  if (!Array.isArray(raw) || raw.length === 0)
    return "must be a non-empty array of {path, kind, metric}";
  for (const [i, c] of raw.entries()) {
    if (typeof c !== "object" || c === null || typeof c.path !== "string")
      return `[${i}].path must be a string`;
    if (!["rate", "idle_pct", "raw", "discover"].includes(c.kind)) {
      return `[${i}].kind must be one of rate, idle_pct, raw, discover`;
    }
    if (c.kind !== "discover" && typeof c.metric !== "string")
      return `[${i}].metric must be a string`;
  }
  return { value: raw };
}
