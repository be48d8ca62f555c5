// Typed errors of the ingest path. A whole request fails only when its body cannot be read
// (these codes); per-series problems are counted in the result instead (RejectReason).
import type { ErrorCode } from "../shared/errors.js";

/** Why a whole request was refused. */
export const REQUEST_ERRORS = [
  "bad_snappy",
  "bad_protobuf",
  "bad_json",
  "payload_too_large",
  "rate_limited",
] as const;
export type RequestErrorReason = (typeof REQUEST_ERRORS)[number];

/** The project's AppError code each reason maps to: the HTTP status comes from that code alone. */
export type AppErrorCode = Extract<
  ErrorCode,
  "VALIDATION" | "PAYLOAD_TOO_LARGE" | "LIMIT_EXCEEDED"
>;

export function appCodeOf(reason: RequestErrorReason): AppErrorCode {
  switch (reason) {
    case "bad_snappy":
    case "bad_protobuf":
    case "bad_json":
      return "VALIDATION";
    case "payload_too_large":
      return "PAYLOAD_TOO_LARGE";
    case "rate_limited":
      return "LIMIT_EXCEEDED";
    default:
      return assertNever(reason);
  }
}

export class IngestError extends Error {
  readonly code: AppErrorCode;
  constructor(
    readonly reason: RequestErrorReason,
    message: string,
    /** Seconds the client should wait (rate_limited only); becomes Retry-After. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = "IngestError";
    this.code = appCodeOf(reason);
  }
}

/** Why samples (and their series) were rejected; counted per request, never thrown. */
export const REJECT_REASONS = [
  "bad_timestamp",
  "too_far_future",
  "too_old",
  "bad_value",
  "bad_series",
  "invalid_label_name",
  "invalid_label_value",
  "invalid_metric_name",
  "duplicate_label",
  "missing_metric_name",
  "label_limit",
  "unknown_component",
  "cap_exceeded",
  "out_of_order",
  "duplicate",
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Index of each reason in a counter array, so the hot path increments a typed array slot. */
export const REASON_INDEX = Object.fromEntries(REJECT_REASONS.map((r, i) => [r, i])) as Record<
  RejectReason,
  number
>;

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${String(x)}`);
}
