// Composition of the notification feature: the hub listener (every process that changes
// incidents enqueues), the notices hooks (collector, monthly close), and the worker (started
// only where the "notify" role runs). Channels are chosen here: SMTP when SMTP_URL is set,
// otherwise the local mailbox.
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Tx } from "../db/unit-of-work.js";
import type { DigestPolicy } from "../domain/notify/digest.js";
import type { Clock } from "../infra/clock.js";
import type { Config, SmtpTls } from "../infra/config.js";
import { emailChannel, type DeliveryChannel } from "./channels/channel.js";
import { mailboxMailer } from "./channels/mailbox.mailer.js";
import { smtpMailer } from "./channels/smtp.mailer.js";
import { webhookChannel } from "./channels/webhook.channel.js";
import { OutboxListener } from "./incident-listener.js";
import { NotifyMetrics } from "./metrics.js";
import { enqueueCapReached, enqueueInvoicesIssued } from "./notices.js";
import type { MailboxStore } from "./mailbox.store.js";
import type { OutboxStore } from "./outbox.store.js";
import type { WebhookStore } from "./webhook.store.js";
import { webhookPolicy, type WebhookTargetPolicy } from "./webhook-target.js";
import { DEFAULT_WORKER_OPTIONS, NotifyWorker, type WorkerOptions } from "./worker.js";

export interface NotifierSettings {
  publicUrl: string;
  mailFrom: string;
  smtpUrl: string | undefined;
  smtpTls?: SmtpTls;
  digest: DigestPolicy;
  followupEveryMs: number;
  worker: WorkerOptions;
  /** Where webhooks may connect (see webhook-target.ts). */
  webhookTargets?: WebhookTargetPolicy;
}

export function notifierSettings(config: Config): NotifierSettings {
  return {
    publicUrl: config.http.publicUrl,
    mailFrom: config.mail.from,
    smtpUrl: config.mail.smtpUrl,
    smtpTls: config.mail.tls,
    digest: { windowS: config.notify.digestWindowS, threshold: config.notify.digestThreshold },
    followupEveryMs: config.incidents.followupEveryMs,
    worker: {
      ...DEFAULT_WORKER_OPTIONS,
      retryForMs: config.notify.retryForMs,
      pageFallbackMs: config.notify.pageFallbackMs,
      backoff: { ...DEFAULT_WORKER_OPTIONS.backoff, capMs: config.notify.retryMaxDelayMs },
    },
    webhookTargets: webhookPolicy(config.notify.webhookAllowPrivateCidrs),
  };
}

export interface NotifierDeps {
  outbox: OutboxStore;
  /** The local mailbox channel's store (without SMTP_URL). */
  mailbox: Pick<MailboxStore, "deliver">;
  /** Where the webhook channel finds its endpoints. */
  webhooks: Pick<WebhookStore, "target">;
  clock: Clock;
  log: Logger;
  registry?: Registry;
  /** Replace a channel (tests: a channel that hangs, to play a killed process). */
  channels?: Record<string, DeliveryChannel>;
}

export function createNotifier(deps: NotifierDeps, settings: NotifierSettings) {
  const { outbox, clock, log } = deps;
  const mailer = settings.smtpUrl
    ? smtpMailer({
        url: settings.smtpUrl,
        from: settings.mailFrom,
        ...(settings.smtpTls ? { tls: settings.smtpTls } : {}),
      })
    : mailboxMailer({ mailbox: deps.mailbox, clock, from: settings.mailFrom });
  const channels = deps.channels ?? {
    email: emailChannel(mailer),
    webhook: webhookChannel({
      endpoints: deps.webhooks,
      clock,
      ...(settings.webhookTargets ? { targets: settings.webhookTargets } : {}),
    }),
  };
  const metrics = deps.registry
    ? new NotifyMetrics(deps.registry, () => outbox.depthByState())
    : undefined;
  const worker = new NotifyWorker(
    { outbox, clock, log, channels, ...(metrics ? { metrics } : {}) },
    settings.worker,
  );
  const wake = () => worker.wake();
  let started = false;
  return {
    listener: new OutboxListener({ clock, wake, outbox }, settings),
    worker,
    wake,
    /** Collector hook: inside the flush's transaction that audits the cap event. */
    onCapReached: async (
      tx: Tx,
      e: { componentId: string; cap: number; activeSeries: number; atMs: number },
    ) => {
      if ((await enqueueCapReached(outbox, tx, settings, e, clock.now())) > 0) wake();
    },
    /** Monthly-close hook: inside the transaction that inserted the invoices. */
    onInvoicesIssued: async (tx: Tx, invoiceIds: readonly string[], now: Date) => {
      if ((await enqueueInvoicesIssued(outbox, tx, settings, invoiceIds, now)) > 0) wake();
    },
    start: () => {
      started = true;
      worker.start();
      log.info({ mail: settings.smtpUrl ? "smtp" : "mailbox" }, "notification worker started");
    },
    stop: async () => {
      if (started) await worker.stop();
      for (const c of Object.values(channels)) await c.close?.();
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
