import { describe, expect, it } from "vitest";
import { fixedClock } from "../infra/clock.js";
import { createLogger } from "../infra/logger.js";
import { DeliveryError, type DeliveryChannel } from "./channels/channel.js";
import type { ClaimedMessage } from "./outbox.store.js";
import { inMemoryOutbox } from "./testing/in-memory-outbox.js";
import { DEFAULT_WORKER_OPTIONS, NotifyWorker, type WorkerOptions } from "./worker.js";

const T0 = new Date("2026-11-02T01:00:00Z");
const opts: WorkerOptions = { ...DEFAULT_WORKER_OPTIONS, retryForMs: 3_600_000 };
const log = createLogger("silent");

const message = (over: { key?: string; event?: string; channel?: string } = {}) => ({
  key: over.key ?? "i1:opened:a@example.com:email",
  channel: over.channel ?? "email",
  recipient: "a@example.com",
  contractId: "c1",
  incidentId: "i1",
  event: over.event ?? "incident.opened",
  language: "en",
  payload: { subject: "s", text: "t" },
  nextAttemptAt: T0,
});

function setup(channel: DeliveryChannel, staffWebhooks: string[] = []) {
  const clock = fixedClock(T0);
  const { outbox, rows } = inMemoryOutbox(staffWebhooks);
  const worker = (c = channel) =>
    new NotifyWorker(
      { outbox, clock, log, channels: { email: c, webhook: c }, random: () => 0.5 },
      opts,
    );
  return { clock, outbox, rows, worker };
}

const sent: DeliveryChannel = {
  send: (msg) => Promise.resolve({ providerId: `id-${msg.id}` }),
};
const failing = (kind: "retry" | "permanent" | "skip"): DeliveryChannel => ({
  send: () => Promise.reject(new DeliveryError("smtp_4xx", "mailbox busy", kind)),
});

describe(NotifyWorker.name, () => {
  it("sends a due message once and records it sent with the provider id", async () => {
    const { outbox, rows, worker } = setup(sent);
    await outbox.enqueue(undefined, [message()], T0);
    expect(await worker().drain()).toBe(1);
    expect(rows[0]).toMatchObject({ state: "sent", providerId: "id-m1", attempts: 1 });
    expect(await worker().runOnce()).toBe(0);
  });

  it("leaves a message not yet due alone", async () => {
    const { outbox, rows, worker } = setup(sent);
    await outbox.enqueue(
      undefined,
      [{ ...message(), nextAttemptAt: new Date(T0.getTime() + 1) }],
      T0,
    );
    expect(await worker().runOnce()).toBe(0);
    expect(rows[0]!.state).toBe("queued");
  });

  it("queues a transient failure again later, and fails it once the retry budget is spent", async () => {
    const { clock, outbox, rows, worker } = setup(failing("retry"));
    await outbox.enqueue(undefined, [message()], T0);
    await worker().runOnce();
    expect(rows[0]!.state).toBe("queued");
    expect(rows[0]!.nextAttemptAt.getTime()).toBeGreaterThan(T0.getTime());
    expect(rows[0]!.lastError).toBe("mailbox busy");
    clock.set(new Date(T0.getTime() + opts.retryForMs));
    await worker().runOnce();
    expect(rows[0]).toMatchObject({ state: "failed", attempts: 2 });
    expect(rows[0]!.lastError).toMatch(/retried for 1 h/);
  });

  it("ends a permanent failure as failed and a vanished endpoint as skipped, at once", async () => {
    for (const [kind, state] of [
      ["permanent", "failed"],
      ["skip", "skipped"],
    ] as const) {
      const { outbox, rows, worker } = setup(failing(kind));
      await outbox.enqueue(undefined, [message()], T0);
      await worker().runOnce();
      expect(rows[0]).toMatchObject({ state, attempts: 1 });
    }
  });

  it("keeps the outcome of the worker that took over an expired lease, not the late one's", async () => {
    let release!: () => void;
    const hanging: DeliveryChannel = {
      send: () => new Promise((resolve) => (release = () => resolve({ providerId: "late" }))),
    };
    const { clock, outbox, rows, worker } = setup(sent);
    await outbox.enqueue(undefined, [message()], T0);
    const dying = worker(hanging).runOnce();
    await waitFor(() => release !== undefined);
    clock.advance(opts.leaseMs + 1);
    expect(await worker().runOnce()).toBe(1); // the lease ran out: taken over and sent
    expect(rows[0]).toMatchObject({ state: "sent", providerId: "id-m1", attempts: 2 });
    release();
    await dying;
    expect(rows[0]).toMatchObject({ state: "sent", providerId: "id-m1", attempts: 2 });
  });

  it("sends a page e-mail failing past the fallback delay to every staff webhook, once", async () => {
    const byChannel: Record<string, ClaimedMessage[]> = { email: [], webhook: [] };
    const channel: DeliveryChannel = {
      send(msg) {
        byChannel[msg.channel]!.push(msg);
        return msg.channel === "email"
          ? Promise.reject(new DeliveryError("connection", "refused"))
          : Promise.resolve({ providerId: "http 200" });
      },
    };
    const { clock, outbox, rows, worker } = setup(channel, ["h1", "h2"]);
    await outbox.enqueue(
      undefined,
      [message({ key: "i1:page1:noc@example.com:email", event: "page" })],
      T0,
    );
    await worker().runOnce();
    expect(rows).toHaveLength(1); // failing, but not for long enough yet
    clock.set(new Date(T0.getTime() + opts.pageFallbackMs));
    await worker().drain();
    expect(byChannel.webhook!.map((m) => m.recipient).sort()).toEqual(["h1", "h2"]);
    expect(rows.filter((r) => r.channel === "webhook").map((r) => r.idempotencyKey)).toEqual([
      "i1:page1:h1:webhook",
      "i1:page1:h2:webhook",
    ]);
    clock.advance(opts.pageFallbackMs);
    await worker().drain();
    expect(rows.filter((r) => r.channel === "webhook")).toHaveLength(2);
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}
