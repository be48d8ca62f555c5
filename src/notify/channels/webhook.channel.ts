// JSON webhooks for chat tools and paging services. The body is signed with the endpoint's
// secret — `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>` — and carries a timestamp
// header (receivers may refuse stale ones) and the outbox id (receivers may deduplicate).
import { createHmac } from "node:crypto";
import type { Clock } from "../../platform/clock.js";
import type { ClaimedMessage, Queryable } from "../outbox.store.js";
import { DeliveryError, type DeliveryChannel, type DeliveryResult } from "./channel.js";

export function signBody(secret: string, rawBody: string): string {
  return `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
}

export function webhookChannel(deps: {
  db: Queryable;
  clock: Clock;
  timeoutMs?: number;
}): DeliveryChannel {
  return {
    async send(msg: ClaimedMessage): Promise<DeliveryResult> {
      const [endpoint] = await deps.db.query<{ url: string; secret: string; enabled: boolean }[]>(
        `SELECT url, secret, enabled FROM webhook_endpoints WHERE id = $1`,
        [msg.recipient],
      );
      if (!endpoint || !endpoint.enabled) {
        throw new DeliveryError("endpoint_gone", "webhook endpoint deleted or disabled", "skip");
      }
      const raw = JSON.stringify(msg.payload.body ?? {});
      let res: Response;
      try {
        res = await fetch(endpoint.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "user-agent": "msp-platform-notify",
            "x-signature": signBody(endpoint.secret, raw),
            "x-timestamp": String(Math.floor(deps.clock.now().getTime() / 1000)),
            "x-webhook-id": msg.id,
            "x-event": msg.event,
          },
          body: raw,
          redirect: "manual",
          signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
        });
      } catch (err) {
        const name = (err as Error).name;
        throw new DeliveryError(
          name === "TimeoutError" ? "timeout" : "connection",
          (err as Error).message,
        );
      }
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { providerId: `http ${res.status}` };
      throw new DeliveryError(`http_${res.status}`, `webhook answered ${res.status}`);
    },
  };
}
