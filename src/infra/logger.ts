import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "msp-platform" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: ["req.headers.authorization", "req.headers.cookie", "password", "token"],
      serializers: { err: serializeError },
    },
    destination,
  );
}

/**
 * pino's error serializer, minus the bound values of a failed SQL statement (TypeORM's
 * QueryFailedError carries `parameters`, pg's error can carry them in `detail`'s place):
 * they hold personal data and secrets' hashes. The statement text is kept.
 */
export function serializeError(err: unknown): unknown {
  const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  if (out && typeof out === "object") {
    delete out.parameters;
    const driverError = out.driverError as Record<string, unknown> | undefined;
    if (driverError && typeof driverError === "object") {
      const { parameters: _p, detail: _d, ...rest } = driverError;
      out.driverError = rest;
    }
    delete out.detail;
  }
  return out;
}
