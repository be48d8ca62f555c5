// Carries security events between processes on PostgreSQL: publishing sends a NOTIFY on
// `msp_security`; every process LISTENs on one dedicated connection and hands what other
// processes published to its own listeners. With the embedded PGlite only one process can
// open the database, so there is nothing to bridge. If the listening connection drops, it
// reconnects; meanwhile the periodic checks (socket re-check, token-cache expiry) still
// bound how long a revocation can go unseen.
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import type { SecurityEvent, SecurityEvents } from "./security-events.js";

export const SECURITY_CHANNEL = "msp_security";
// NOTIFY payloads must stay under 8000 bytes.
const MAX_PAYLOAD = 7_000;

export async function bridgeSecurityEvents(deps: {
  url: string;
  db: DataSource;
  security: SecurityEvents;
  log: Logger;
}): Promise<() => Promise<void>> {
  const { security, log } = deps;
  const origin = randomUUID();
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const onNotification = (n: pg.Notification) => {
    if (n.channel !== SECURITY_CHANNEL || !n.payload) return;
    try {
      const msg = JSON.parse(n.payload) as { origin: string; event: SecurityEvent };
      if (msg.origin !== origin) security.deliver(msg.event);
    } catch (err) {
      log.warn({ err }, "unreadable security event ignored");
    }
  };
  const listen = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: deps.url });
    c.on("notification", onNotification);
    c.on("error", (err) => {
      log.warn({ err }, "security event listener lost its connection; reconnecting");
      reconnect();
    });
    await c.connect();
    await c.query(`LISTEN ${SECURITY_CHANNEL}`);
    client = c;
  };
  const reconnect = () => {
    const old = client;
    client = undefined;
    void old?.end().catch(() => undefined);
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      listen().catch((err: unknown) => {
        log.warn({ err }, "security event listener could not reconnect");
        reconnect();
      });
    }, 1_000);
    retry.unref();
  };

  await listen();
  security.forwardTo((event) => {
    sendSecurityEvent(deps.db, event, origin).catch((err: unknown) =>
      log.error({ err }, "security event not sent to other processes"),
    );
  });
  return async () => {
    stopped = true;
    clearTimeout(retry);
    security.forwardTo(undefined);
    await client?.end().catch(() => undefined);
  };
}

/**
 * Tells every listening process (the CLI uses it after offboarding a user). Harmless where
 * nobody listens: on PGlite no other process can have the database open.
 */
export async function sendSecurityEvent(
  db: DataSource,
  event: SecurityEvent,
  origin = "cli",
): Promise<void> {
  let payload = JSON.stringify({ origin, event });
  if (payload.length > MAX_PAYLOAD && event.kind === "credentials_revoked")
    payload = JSON.stringify({ origin, event: { ...event, credentialIds: "all" } });
  await db.query("SELECT pg_notify($1, $2)", [SECURITY_CHANNEL, payload]);
}
