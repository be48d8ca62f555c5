// Errors that mean the database cannot be reached right now, as opposed to a query it refused.
// The HTTP error handler answers them 503 with Retry-After (the collector already answers a push
// that needs the database that way) instead of 500: the request was fine, and a client or a
// load balancer should try again shortly, not report a bug.

/** Socket errors of a connection to the server (refused, reset, timed out, name not found). */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * SQLSTATEs of a server going away or not taking connections: class 08 (connection exception),
 * 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting, recovering),
 * 53300 too many connections.
 */
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;

/** What pg and pg-pool throw when a connection ends or cannot be had in time. */
const DRIVER_MESSAGES = [
  /^timeout exceeded when trying to connect$/,
  /^Connection terminated( unexpectedly| due to connection timeout)?$/,
];

type Chained = { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };

/** True when `err` (or what it wraps: TypeORM's driverError, an Error's cause) is one of those. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e !== null && typeof e === "object" && depth < 4; depth++) {
    const { code, message, driverError, cause } = e as Chained;
    if (typeof code === "string" && (NETWORK_CODES.has(code) || SQLSTATE.test(code))) return true;
    if (typeof message === "string" && DRIVER_MESSAGES.some((m) => m.test(message))) return true;
    e = driverError ?? cause;
  }
  return false;
}
