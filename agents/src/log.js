// @ts-check

/** @typedef {"debug" | "info" | "warn" | "error"} Level */
/** @typedef {(msg: string, fields?: Record<string, unknown>) => void} LogFn */
/** @typedef {{ debug: LogFn, info: LogFn, warn: LogFn, error: LogFn }} Logger */

const ORDER = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * JSON lines on stderr: stdout is reserved for `--once` output, and journald/Windows
 * service wrappers capture stderr anyway.
 * @param {{ level?: Level, write?: (line: string) => void, now?: () => number }} [opts]
 * @returns {Logger}
 */
export function createLogger(opts = {}) {
  const min = ORDER[opts.level ?? "info"];
  const write = opts.write ?? ((line) => process.stderr.write(line + "\n"));
  const now = opts.now ?? Date.now;
  /** @param {Level} level @returns {LogFn} */
  const at = (level) => (msg, fields) => {
    if (ORDER[level] < min) return;
    write(JSON.stringify({ time: new Date(now()).toISOString(), level, msg, ...fields }));
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** A logger that discards everything, for tests and `--once`. @type {Logger} */
export const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };
