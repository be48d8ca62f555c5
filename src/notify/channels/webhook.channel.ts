// JSON webhooks for chat tools and paging services. The body is signed with the endpoint's
// secret — `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>` — and carries a timestamp
// header (receivers may refuse stale ones) and the outbox id (receivers may deduplicate).
//
// Connections go through webhook-target.ts: the resolved address is checked at connect time
// and redirects are not followed (a 3xx is a failed delivery), so a webhook can never be
// turned against loopback, private or metadata addresses.
import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Clock } from "../../infra/clock.js";
import {
  DEFAULT_WEBHOOK_POLICY,
  ForbiddenTargetError,
  guardedLookup,
  literalTargetProblem,
  type WebhookTargetPolicy,
} from "../webhook-target.js";
import type { ClaimedMessage } from "../outbox.store.js";
import type { WebhookStore } from "../webhook.store.js";
import { DeliveryError, type DeliveryChannel, type DeliveryResult } from "./channel.js";

export function signBody(secret: string, rawBody: string): string {
  return `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
}

export function webhookChannel(deps: {
  endpoints: Pick<WebhookStore, "target">;
  clock: Clock;
  timeoutMs?: number;
  targets?: WebhookTargetPolicy;
}): DeliveryChannel {
  const policy = deps.targets ?? DEFAULT_WEBHOOK_POLICY;
  return {
    async send(msg: ClaimedMessage): Promise<DeliveryResult> {
      const endpoint = await deps.endpoints.target(msg.recipient);
      if (!endpoint || !endpoint.enabled) {
        throw new DeliveryError("endpoint_gone", "webhook endpoint deleted or disabled", "skip");
      }
      const target = { staff: endpoint.contractId === null, policy };
      const url = new URL(endpoint.url);
      const literal = literalTargetProblem(url, target);
      if (literal) throw new DeliveryError("forbidden_target", literal, "permanent");
      const raw = JSON.stringify(msg.payload.body ?? {});
      let status: number;
      try {
        status = await post(url, {
          headers: {
            "content-type": "application/json",
            "user-agent": "msp-platform-notify",
            "x-signature": signBody(endpoint.secret, raw),
            "x-timestamp": String(Math.floor(deps.clock.now().getTime() / 1000)),
            "x-webhook-id": msg.id,
            "x-event": msg.event,
          },
          body: raw,
          lookup: guardedLookup(target),
          timeoutMs: deps.timeoutMs ?? 10_000,
        });
      } catch (err) {
        if (err instanceof ForbiddenTargetError)
          throw new DeliveryError("forbidden_target", err.message, "permanent");
        const name = (err as Error).name;
        throw new DeliveryError(
          name === "TimeoutError" || name === "AbortError" ? "timeout" : "connection",
          (err as Error).message,
        );
      }
      if (status >= 200 && status < 300) return { providerId: `http ${status}` };
      throw new DeliveryError(`http_${status}`, `webhook answered ${status}`);
    },
  };
}

/** One POST; resolves with the status (the body is discarded); never follows a redirect. */
function post(
  url: URL,
  opts: {
    headers: Record<string, string>;
    body: string;
    lookup: ReturnType<typeof guardedLookup>;
    timeoutMs: number;
  },
): Promise<number> {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { ...opts.headers, "content-length": Buffer.byteLength(opts.body) },
        lookup: opts.lookup,
        signal: AbortSignal.timeout(opts.timeoutMs),
        agent: false,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}
