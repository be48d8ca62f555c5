// One error family for the whole platform. Services throw AppError with a code; each
// transport (HTTP, CLI, socket) maps the code once, exhaustively.
export const ERROR_CODES = [
  "VALIDATION",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "PRECONDITION_FAILED",
  "LIMIT_EXCEEDED",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  /** A dependency (the database) is down for now: the client retries after `retryAfterS`. */
  "UNAVAILABLE",
  "INTERNAL",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorIssue {
  /** JSON path of the offending field, e.g. `contacts[0].email`; "" for the whole input. */
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: ErrorIssue[] = [],
    /** Extra machine-readable details a client may need (e.g. retryAfterS). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what: string): AppError => new AppError("NOT_FOUND", `${what} not found`);
export const conflict = (message: string): AppError => new AppError("CONFLICT", message);
