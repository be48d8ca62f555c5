import type { NextFunction, Request, Response } from "express";
import { AppError, type ErrorCode } from "../shared/errors.js";
import { assertNever } from "../shared/assert-never.js";
import { isDatabaseUnavailable } from "../db/unavailable.js";

export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case "VALIDATION":
      return 400;
    case "UNAUTHORIZED":
      return 401;
    case "FORBIDDEN":
      return 403;
    case "NOT_FOUND":
      return 404;
    case "CONFLICT":
      return 409;
    case "PRECONDITION_FAILED":
      return 412;
    case "PAYLOAD_TOO_LARGE":
      return 413;
    case "UNSUPPORTED_MEDIA_TYPE":
      return 415;
    case "LIMIT_EXCEEDED":
      return 429;
    case "UNAVAILABLE":
      return 503;
    case "INTERNAL":
      return 500;
    default:
      return assertNever(code);
  }
}

/** Seconds a client is asked to wait while the database is unreachable. */
const DATABASE_RETRY_AFTER_S = 5;

/** body-parser and express errors carry `type`/`status`; translate them into AppErrors. */
function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err))
    return new AppError("UNAVAILABLE", "the database is unreachable; retry shortly", [], {
      retryAfterS: DATABASE_RETRY_AFTER_S,
    });
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === "entity.too.large")
    return new AppError("PAYLOAD_TOO_LARGE", "request body too large");
  if (e?.type === "entity.parse.failed")
    return new AppError("VALIDATION", "request body is not valid JSON", [
      { path: "", message: "malformed JSON" },
    ]);
  if (e?.type === "encoding.unsupported" || e?.type === "charset.unsupported") {
    return new AppError("UNSUPPORTED_MEDIA_TYPE", e.message ?? "unsupported encoding");
  }
  if (e?.status && e.status >= 400 && e.status < 500)
    return new AppError("VALIDATION", e.message ?? "bad request");
  return new AppError("INTERNAL", "internal error");
}

export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const appError = toAppError(err);
  if (appError.code === "INTERNAL") req.log?.error({ err }, "unhandled error");
  else if (appError !== err && appError.code === "UNAVAILABLE")
    req.log?.warn({ err }, "request failed: the database is unreachable");
  else req.log?.debug({ code: appError.code, issues: appError.issues }, appError.message);
  if (res.headersSent) {
    res.end();
    return;
  }
  const retryAfter = appError.details.retryAfterS;
  if (typeof retryAfter === "number") res.setHeader("retry-after", String(Math.ceil(retryAfter)));
  res.status(httpStatusOf(appError.code)).json({
    code: appError.code,
    message: appError.message,
    requestId: req.id,
    issues: appError.issues,
    ...appError.details,
  });
}

export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(new AppError("NOT_FOUND", `no route for ${req.method} ${req.path}`));
}
