import express, { type Request, type Response } from "express";
import type { Logger } from "pino";
import { secretFromHeaders } from "../accounts/authenticate.js";
import { IngestError } from "../ingest/errors.js";
import type { IngestPipeline, IngestResult } from "../ingest/ingest-pipeline.js";
import type { IngestFormat, IngestMetrics } from "../ingest/metrics.js";
import type { Clock } from "../infra/clock.js";
import { AppError } from "../shared/errors.js";
import type { IngestAuth } from "./ingest-auth.js";
import { decodeJsonBody, type JsonBodyLimits } from "./json-body.js";
import type { PushDiverter } from "./push-forward.js";

export interface CollectorDeps {
  pipeline: IngestPipeline;
  auth: IngestAuth;
  metrics: IngestMetrics;
  clock: Clock;
  log: Logger;
  /** Largest request body on the wire (compressed). */
  maxBodyBytes: number;
  /** Largest decompressed JSON batch, deepest nesting, most arrays/objects. */
  json: JsonBodyLimits;
  /** Called with the components that pushed, for "agent last seen". */
  onSeen: (componentIds: readonly string[], at: Date) => void;
  /**
   * The platform could not take a push until `atMs` (database unreachable, or the push
   * waited on it): the rule engine counts no silence for that time (decision 0014).
   */
  onPlatformStall?: (atMs: number) => void;
  /** Several collectors: a push for a contract another one holds goes there (0019). */
  divert?: PushDiverter;
}

/** A push that waited this long for its token check waited on the platform, not the agent. */
const STALLED_AUTH_MS = 2_000;

/** Seconds a sender is asked to wait when the database is unreachable. */
const RETRY_AFTER_S = 10;

/**
 * The collector's two ingest endpoints. They read the raw body themselves: Prometheus
 * sends `Content-Encoding: snappy`, which a generic body parser would refuse. Refusals are
 * AppErrors thrown to the platform's error handler: the status (413, 429 with Retry-After,
 * 503 with Retry-After, …) comes from the one code → status map in src/http/error-handler.ts.
 */
export function collectorRouter(deps: CollectorDeps): express.Router {
  const router = express.Router();
  // Anything unexpected goes to the error handler (500 for this request, the process serves
  // on): a rejected promise with nobody listening would stop the process.
  router.post("/api/v1/write", (req, res, next) =>
    handle(deps, "remote_write", req, res).catch(next),
  );
  router.post("/api/v1/ingest/agent", (req, res, next) =>
    handle(deps, "json", req, res).catch(next),
  );
  return router;
}

async function handle(
  deps: CollectorDeps,
  format: IngestFormat,
  req: Request,
  res: Response,
): Promise<void> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  // One access-log line per push would be thousands a second: successes are in the metrics.
  res.locals.accessLog = "errors";
  const secret = secretFromHeaders(req.header("authorization"), undefined);
  if (!secret) throw new AppError("UNAUTHORIZED", "missing Bearer ingest token");
  const now = deps.clock.now();
  const principal = await deps.auth.resolve(secret, now).catch((err: unknown) => {
    deps.log.error({ err }, "ingest auth failed");
    return null;
  });
  if (!principal || elapsed() * 1000 > STALLED_AUTH_MS)
    deps.onPlatformStall?.(deps.clock.now().getTime());
  if (!principal) {
    // The database is needed to check the token and is unreachable: senders resend later.
    throw new AppError("UNAVAILABLE", "ingest temporarily unavailable", [], {
      retryAfterS: RETRY_AFTER_S,
    });
  }
  if (!principal.ok)
    throw new AppError(principal.status === 401 ? "UNAUTHORIZED" : "FORBIDDEN", principal.reason);
  let body: Buffer;
  try {
    body = await readBody(req, deps.maxBodyBytes);
  } catch {
    deps.metrics.recordFailure(format, "payload_too_large", elapsed());
    throw new AppError("PAYLOAD_TOO_LARGE", `request body over ${deps.maxBodyBytes} bytes`, [], {
      reason: "payload_too_large",
    });
  }
  if (deps.divert && (await deps.divert.divert(principal.contractId, req, res, body))) return;
  try {
    const result =
      format === "remote_write"
        ? deps.pipeline.ingestRemoteWrite(principal.ctx, body, now.getTime())
        : deps.pipeline.ingestJsonBatch(
            principal.ctx,
            await decodeJsonBody(body, req.header("content-encoding"), deps.json),
            now.getTime(),
          );
    deps.metrics.recordRequest(format, result, elapsed());
    // "Last seen" for every component that accepted a sample, whatever the token kind.
    const seen = deps.pipeline.seenComponents();
    if (seen.length > 0) deps.onSeen(seen, now);
    respond(res, format, result);
  } catch (err) {
    if (!(err instanceof IngestError)) throw err;
    deps.metrics.recordFailure(format, err.reason, elapsed());
    const retry = err.retryAfterS;
    throw new AppError(err.code, err.message, [], {
      reason: err.reason,
      ...(retry !== undefined ? { retryAfterS: Math.max(1, Math.ceil(retry)) } : {}),
    });
  }
}

/**
 * 2xx whenever anything was accepted, so senders (Prometheus retries 5xx and 429 forever)
 * never re-send data we already hold; 400 only when nothing in the push was accepted or
 * held already (out of order, too old, bad labels: resending would not change that). A
 * remote_write push refused only by the cap is answered 200 too (docs/decisions/0012): a 4xx
 * makes Prometheus log "non-recoverable error" for every scrape of series that will never
 * fit, and the refusal is shown on the component page (refused-series) and in the metrics.
 */
function respond(res: Response, format: IngestFormat, result: IngestResult): void {
  const rejected = Object.values(result.rejectedSamples).reduce((a, b) => a + (b ?? 0), 0);
  const summary = {
    acceptedSamples: result.acceptedSamples,
    rejectedSamples: result.rejectedSamples,
    rejectedSeries: result.rejectedSeries,
    ...(result.cap !== undefined ? { cap: result.cap } : {}),
  };
  // Samples we hold already (a resend) are as good as accepted: a push of only those is 2xx.
  const refused = rejected - (result.rejectedSamples.duplicate ?? 0);
  if (result.acceptedSamples === 0 && refused > 0) {
    const capOnly =
      result.rejectedSeries > 0 &&
      Object.keys(result.rejectedSamples).every((r) => r === "cap_exceeded");
    const message = `series cap reached: ${result.rejectedSeries} new series rejected (cap ${result.cap})`;
    if (capOnly && format === "remote_write") {
      sendJson(res, { code: "LIMIT_EXCEEDED", message, ...summary });
      return;
    }
    // 400, not LIMIT_EXCEEDED's 429: a sender retries a 429 forever, and a resend of new
    // series over the cap would be refused again. The reason says which it was.
    throw new AppError("VALIDATION", capOnly ? message : "no sample was accepted", [], {
      ...(capOnly ? { reason: "cap_exceeded" } : {}),
      ...summary,
    });
  }
  sendJson(res, summary);
}

/**
 * A push's 200 answer, written straight to Node's response: express's `res.json` would also
 * hash the body for an ETag and check request freshness, neither of which a push uses
 * (at 500 pushes a second that was ≈ 2 % of a collector's time).
 */
function sendJson(res: Response, body: object): void {
  const text = JSON.stringify(body);
  res.statusCode = 200;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(text));
  res.end(text);
}

function readBody(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.header("content-length") ?? 0);
    if (declared > limit) return reject(new Error("too large"));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(new Error("too large"));
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks, size)));
    req.on("error", reject);
  });
}
