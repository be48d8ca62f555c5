import { randomUUID } from "node:crypto";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailChannel, type DeliveryChannel } from "../../src/notify/channels/channel.js";
import { smtpMailer } from "../../src/notify/channels/smtp.mailer.js";
import { NotifyMetrics } from "../../src/notify/metrics.js";
import { createOutboxStore, depthByState, enqueue } from "../../src/notify/outbox.store.js";
import { DEFAULT_WORKER_OPTIONS, NotifyWorker } from "../../src/notify/worker.js";
import { createLogger } from "../../src/infra/logger.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";
import { alertFor, fire } from "../support/incidents.js";
import { outboxRows, startSmtp, waitUntil, type TestSmtp } from "./notify-helpers.js";

// Never lost, never doubled: SMTP outages, a worker killed mid-batch, manual retry of what
// ran out of retry time, and two workers racing on one database. The worker is driven by
// hand here (the app runs without the "notify" role) so the clock decides every retry.
const LEASE_MS = 60_000;
const opts = {
  ...DEFAULT_WORKER_OPTIONS,
  retryForMs: 12_000,
  leaseMs: LEASE_MS,
  backoff: { baseMs: 1_000, capMs: 4_000 },
};

describe("notification delivery guarantees", () => {
  let app: TestApp;
  let smtp: TestSmtp;
  const log = createLogger("silent");
  const worker = (
    channels: Record<string, DeliveryChannel>,
    metrics?: NotifyMetrics,
    batchSize = 50,
  ) =>
    new NotifyWorker(
      {
        outbox: createOutboxStore(app.platform.db.dataSource),
        clock: app.clock,
        log,
        channels,
        random: () => 0.5,
        ...(metrics ? { metrics } : {}),
      },
      { ...opts, batchSize },
    );
  const smtpWorker = (metrics?: NotifyMetrics) =>
    worker(
      { email: emailChannel(smtpMailer({ url: smtp.url, from: "MSP <noreply@msp.test>" })) },
      metrics,
    );
  const incidentFor = async () => {
    const { contract, components } = await makeContract(app.api, { plan: "entry" });
    await fire(app, alertFor(app, { contractId: contract.id, componentId: components[0].id }));
    const rows = await outboxRows(app, "contract_id = $1", [contract.id]);
    expect(rows).toHaveLength(1);
    return { contractId: contract.id as string, row: rows[0] };
  };
  const smtpChannels = () => ({
    email: emailChannel(smtpMailer({ url: smtp.url, from: "MSP <noreply@msp.test>" })),
  });
  const delivered = (to: string) => smtp.mails.filter((m) => m.to === to).length;

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await startTestApp({ env: { SMTP_URL: smtp.url } }); // roles api,collector: no worker
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.close().catch(() => undefined);
  });

  it("keeps messages queued while SMTP is down and delivers each exactly once when it is back", async () => {
    const metrics = new NotifyMetrics(new Registry(), () =>
      depthByState(app.platform.db.dataSource),
    );
    const w = smtpWorker(metrics);
    await smtp.close();
    const { row } = await incidentFor();
    expect(await w.runOnce()).toBe(1);
    const [failedOnce] = await outboxRows(app, "id = $1", [row.id]);
    expect(failedOnce).toMatchObject({ state: "queued", attempts: 1 });
    expect(failedOnce.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(await w.runOnce()).toBe(0); // backoff: not due again yet
    const failures = await metrics.failures.get();
    expect(failures.values.find((v) => v.labels.channel === "email")?.value).toBe(1);

    await smtp.reopen();
    app.clock.advance(5_000);
    expect(await w.drain()).toBe(1);
    app.clock.advance(3_600_000);
    expect(await w.drain()).toBe(0);
    expect(delivered(row.recipient)).toBe(1);
    expect((await outboxRows(app, "id = $1", [row.id]))[0]).toMatchObject({
      state: "sent",
      attempts: 2,
    });
  });

  it("fails once its retry time is spent, with its error, lists it for the NOC and re-sends it once on retry", async () => {
    const w = smtpWorker();
    await smtp.close();
    const { contractId, row } = await incidentFor();
    for (let i = 0; i < 3; i++) {
      app.clock.advance(5_000);
      expect(await w.runOnce()).toBe(1);
    }
    app.clock.advance(60_000);
    expect(await w.runOnce()).toBe(0);
    const noc = await makeUser(app.api, "noc");
    const list = await app.api("get", `/notifications?state=failed&contractId=${contractId}`, {
      token: noc.token,
    });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ id: row.id, state: "failed", attempts: 3 });
    expect(list.body.items[0].lastError).toMatch(/ECONNREFUSED|connect/i);

    await smtp.reopen();
    const retried = await app.api("post", `/notifications/${row.id}/retry`, { token: noc.token });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body).toMatchObject({ state: "queued", attempts: 0 });
    expect(await w.drain()).toBe(1);
    expect(delivered(row.recipient)).toBe(1);
    const again = await app.api("post", `/notifications/${row.id}/retry`, { token: noc.token });
    expect(again.status).toBe(409);
    expect(delivered(row.recipient)).toBe(1);
  });

  it("delivers a message whose worker died between claim and send after the lease, and only once", async () => {
    let release: () => void = () => undefined;
    const hanging = worker({
      email: {
        send: () => new Promise((resolve) => (release = () => resolve({ providerId: "ghost" }))),
      },
    });
    const { row } = await incidentFor();
    const dying = hanging.runOnce(); // claims, then "the process is killed" mid-send
    await waitUntil(
      () => outboxRows(app, "id = $1", [row.id]),
      (r) => r[0].state === "sending",
      "claimed",
    );

    const fresh = smtpWorker(); // the restarted process
    expect(await fresh.runOnce()).toBe(0); // the lease still protects the claim
    app.clock.advance(LEASE_MS + 1);
    expect(await fresh.drain()).toBe(1);
    expect(delivered(row.recipient)).toBe(1);

    release(); // the old claim finishing late must not overwrite the new owner's outcome
    await dying;
    const [final] = await outboxRows(app, "id = $1", [row.id]);
    expect(final).toMatchObject({ state: "sent", attempts: 2 });
    expect(final.payload.messageId).toBeDefined();
    expect(
      (
        await app.platform.db.dataSource.query(
          `SELECT provider_id FROM outbox_messages WHERE id = $1`,
          [row.id],
        )
      )[0].provider_id,
    ).not.toBe("ghost");
  });

  it("never sends one message twice with two workers racing over 200 messages", async () => {
    const now = app.clock.now();
    const run = randomUUID();
    await enqueue(
      app.platform.db.dataSource,
      Array.from({ length: 200 }, (_, i) => ({
        key: `race:${run}:${i}`,
        channel: "email",
        recipient: `r${i}@race.test`,
        contractId: null,
        incidentId: null,
        event: "incident.opened",
        language: "en",
        payload: { subject: "race", text: "t", html: "<p>t</p>", audience: "staff" },
        nextAttemptAt: now,
      })),
      now,
    );
    const deliveries: { key: string; by: string }[] = [];
    const counting = (by: string): DeliveryChannel => ({
      send: async (msg) => {
        deliveries.push({ key: msg.idempotencyKey, by });
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        return { providerId: null };
      },
    });
    const a = worker({ email: counting("a") }, undefined, 10);
    const b = worker({ email: counting("b") }, undefined, 10);
    a.start();
    b.start();
    await waitUntil(
      () =>
        app.platform.db.dataSource.query(
          `SELECT count(*)::int AS n FROM outbox_messages WHERE idempotency_key LIKE $1 AND state = 'sent'`,
          [`race:${run}:%`],
        ),
      (r: any[]) => r[0].n === 200,
      "200 sent",
      30_000,
    );
    await Promise.all([a.stop(), b.stop()]);
    const keys = deliveries.filter((d) => d.key.startsWith(`race:${run}:`)).map((d) => d.key);
    expect(keys).toHaveLength(200);
    expect(new Set(keys).size).toBe(200);
    if (app.db.kind === "postgres") {
      expect(deliveries.some((d) => d.by === "a") && deliveries.some((d) => d.by === "b")).toBe(
        true,
      );
    }
  });

  it("SMTP down 75 s: with the default budget every e-mail is delivered exactly once, none failed", async () => {
    const w = new NotifyWorker(
      {
        outbox: createOutboxStore(app.platform.db.dataSource),
        clock: app.clock,
        log,
        channels: smtpChannels(),
      },
      DEFAULT_WORKER_OPTIONS,
    );
    await smtp.close();
    const rows: { id: string; recipient: string }[] = [];
    for (let i = 0; i < 12; i++) rows.push((await incidentFor()).row);
    const ids = rows.map((r) => r.id);
    for (let s = 0; s < 75; s++) {
      await w.drain();
      app.clock.advance(1_000);
    }
    expect(await outboxRows(app, "id = ANY($1) AND state = 'failed'", [ids])).toEqual([]);
    await smtp.reopen();
    // Retries are at most 5 minutes apart (full jitter below that).
    for (let s = 0; s < 70; s++) {
      await w.drain();
      app.clock.advance(5_000);
    }
    const final = await outboxRows(app, "id = ANY($1)", [ids]);
    expect(final.map((r) => r.state)).toEqual(ids.map(() => "sent"));
    expect(final.every((r) => r.lastError === null)).toBe(true); // cleared once sent
    for (const r of rows) expect(delivered(r.recipient), r.recipient).toBe(1);
  });

  it("a worker killed mid-batch: its mail goes out within a minute, each once", async () => {
    const hanging = new NotifyWorker(
      {
        outbox: createOutboxStore(app.platform.db.dataSource),
        clock: app.clock,
        log,
        channels: { email: { send: () => new Promise(() => undefined) } }, // never returns
      },
      DEFAULT_WORKER_OPTIONS,
    );
    const rows: { id: string; recipient: string }[] = [];
    for (let i = 0; i < 3; i++) rows.push((await incidentFor()).row);
    void hanging.runOnce(); // "killed": its claims are never settled nor renewed again
    await waitUntil(
      () => outboxRows(app, "id = ANY($1) AND state = 'sending'", [rows.map((r) => r.id)]),
      (r) => r.length === 3,
      "claimed",
    );
    const fresh = new NotifyWorker(
      {
        outbox: createOutboxStore(app.platform.db.dataSource),
        clock: app.clock,
        log,
        channels: smtpChannels(),
      },
      DEFAULT_WORKER_OPTIONS,
    );
    expect(await fresh.drain()).toBe(0); // leased
    app.clock.advance(DEFAULT_WORKER_OPTIONS.leaseMs + 1);
    expect(DEFAULT_WORKER_OPTIONS.leaseMs + DEFAULT_WORKER_OPTIONS.pollMs).toBeLessThan(60_000);
    expect(await fresh.drain()).toBe(3);
    for (const r of rows) expect(delivered(r.recipient)).toBe(1);
  });

  it("a page e-mail failing for 5 minutes also goes by the staff webhook, once", async () => {
    const [hook] = await app.platform.db.dataSource.query<{ id: string }[]>(
      `INSERT INTO webhook_endpoints (contract_id, name, url, secret, events)
       VALUES (NULL, 'noc chat', 'https://chat.invalid/hook', 's3cret', '["incident.opened"]'::jsonb)
       RETURNING id`,
    );
    const incidentKey = randomUUID();
    try {
      const now = app.clock.now();
      const [page] = await enqueue(
        app.platform.db.dataSource,
        [
          {
            key: `${incidentKey}:page#0.0:oncall@msp.test:email`,
            channel: "email",
            recipient: "oncall@msp.test",
            contractId: null,
            incidentId: null,
            event: "page",
            language: "en",
            payload: {
              subject: "PAGE cpu",
              text: "cpu high",
              html: "<p>cpu</p>",
              audience: "staff",
            },
            nextAttemptAt: now,
          },
        ],
        now,
      );
      const hooked: { recipient: string; body: any }[] = [];
      await smtp.close();
      const w = new NotifyWorker(
        {
          outbox: createOutboxStore(app.platform.db.dataSource),
          clock: app.clock,
          log,
          channels: {
            ...smtpChannels(),
            webhook: {
              send: (msg) => {
                hooked.push({ recipient: msg.recipient, body: msg.payload.body });
                return Promise.resolve({ providerId: null });
              },
            },
          },
        },
        DEFAULT_WORKER_OPTIONS,
      );
      for (let s = 0; s < 5 * 60 - 10; s += 10) {
        await w.drain();
        app.clock.advance(10_000);
      }
      expect(hooked).toEqual([]); // not yet: 4 min 50 s of failures
      for (let s = 0; s < 120; s += 10) {
        await w.drain();
        app.clock.advance(10_000);
      }
      expect(hooked).toEqual([
        {
          recipient: hook!.id,
          body: expect.objectContaining({
            event: "page",
            subject: "PAGE cpu",
            fallbackFor: expect.objectContaining({
              channel: "email",
              recipient: "oncall@msp.test",
            }),
          }),
        },
      ]);
      const [row] = await outboxRows(app, "id = $1", [page!.id]);
      expect(row.state).toBe("queued"); // the e-mail itself keeps being retried
    } finally {
      await smtp.reopen();
      // The page stays queued with a jittered retry time: left behind, a later test's worker
      // would claim it along with its own message.
      await app.platform.db.dataSource.query(
        `DELETE FROM outbox_messages WHERE idempotency_key LIKE $1 || '%'`,
        [`${incidentKey}:`],
      );
      await app.platform.db.dataSource.query(`DELETE FROM webhook_endpoints WHERE id = $1`, [
        hook!.id,
      ]);
    }
  });

  it("a slow send keeps its lease (renewed while it runs): no other worker takes it over", async () => {
    const LEASE = 3_000; // renewed every 1 s of real time
    const pending: (() => void)[] = [];
    const finish = () => pending.splice(0).forEach((resolve) => resolve());
    const slow = new NotifyWorker(
      {
        outbox: createOutboxStore(app.platform.db.dataSource),
        clock: app.clock,
        log,
        channels: {
          email: {
            send: () =>
              new Promise((resolve) => pending.push(() => resolve({ providerId: "slow" }))),
          },
        },
      },
      { ...DEFAULT_WORKER_OPTIONS, leaseMs: LEASE },
    );
    const { row } = await incidentFor();
    const sending = slow.runOnce();
    await waitUntil(
      () => outboxRows(app, "id = $1", [row.id]),
      (r) => r[0].state === "sending",
      "claimed",
    );
    app.clock.advance(2_000);
    // One renewal at clock +2 s (every 1 s of real time): waited for, not slept for, since a
    // loaded machine can delay the renewal timer past any fixed sleep.
    const renewedAt = app.clock.now().getTime();
    await waitUntil(
      () =>
        app.platform.db.dataSource.query<{ at: Date }[]>(
          "SELECT claimed_at AS at FROM outbox_messages WHERE id = $1",
          [row.id],
        ),
      (r) => new Date(r[0]!.at).getTime() >= renewedAt,
      "renewed",
    );
    app.clock.advance(2_000); // +4 s: past the first lease, inside the renewed one
    const other = new NotifyWorker(
      {
        outbox: createOutboxStore(app.platform.db.dataSource),
        clock: app.clock,
        log,
        channels: smtpChannels(),
      },
      { ...DEFAULT_WORKER_OPTIONS, leaseMs: LEASE },
    );
    expect(await other.runOnce()).toBe(0);
    finish();
    await sending;
    expect((await outboxRows(app, "id = $1", [row.id]))[0]).toMatchObject({
      state: "sent",
      attempts: 1,
    });
    expect(delivered(row.recipient)).toBe(0); // only the slow channel sent it
  });
});
