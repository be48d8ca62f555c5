// notify.email_latency_p99_ms (and p50): an incident change committed → its e-mail accepted
// by a real SMTP server (smtp-server on 127.0.0.1), through the whole platform (incident
// engine, outbox listener, after-commit wake-up, worker, pooled nodemailer).
// notify.throughput_msgs_per_s: queued messages drained by one worker into the same server.
// On the embedded PGlite (the default; DATABASE_URL selects PostgreSQL). Run: npx tsx bench/notify/notify.bench.ts
import "reflect-metadata";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SMTPServer } from "smtp-server";
import { enqueue } from "../../src/notify/outbox.store.js";
import { systemClock } from "../../src/infra/clock.js";
import { loadConfig } from "../../src/infra/config.js";
import { createLogger } from "../../src/infra/logger.js";
import { startPlatform, type Platform } from "../../src/platform/platform.js";

type Line = { bench: string; value: number; unit: string; [k: string]: unknown };
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const round = (x: number) => Math.round(x * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An SMTP sink that records when each Message-ID was accepted. */
async function smtpSink() {
  const accepted = new Map<string, number>();
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    closeTimeout: 100,
    onData(stream, _session, callback) {
      let head = "";
      stream.on("data", (c: Buffer) => {
        if (head.length < 4096) head += c.toString("latin1");
      });
      stream.on("end", () => {
        const id = /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1];
        if (id) accepted.set(id, performance.now());
        count++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    count: () => count,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function seedContract(p: Platform): Promise<{ contractId: string; componentId: string }> {
  const [c] = await p.db.dataSource.query<{ id: string }[]>(
    `INSERT INTO contracts (customer_name, plan, status, received_at, start_date, version) VALUES ('Bench K.K.', 'entry', 'active', now(), '2020-01-01', 1) RETURNING id`,
  );
  await p.db.dataSource.query(
    `INSERT INTO contacts (contract_id, name, email, language) VALUES ($1, 'ops', 'ops@bench.test', 'en')`,
    [c!.id],
  );
  const [comp] = await p.db.dataSource.query<{ id: string }[]>(
    `INSERT INTO components (contract_id, name, os, active_from) VALUES ($1, 'vm-01', 'linux', '2020-01-01') RETURNING id`,
    [c!.id],
  );
  return { contractId: c!.id, componentId: comp!.id };
}

async function latency(
  p: Platform,
  sink: Awaited<ReturnType<typeof smtpSink>>,
  samples: number,
): Promise<number[]> {
  const target = await seedContract(p);
  const committed = new Map<string, number>();
  p.hub.addListener({
    name: "bench commit watch",
    afterCommit: (ch) => {
      if (ch.kind === "routed")
        committed.set(`<incident-${ch.incident.id}@bench.test>`, performance.now());
    },
  });
  for (let i = 0; i < samples; i++) {
    p.incidents.fire({
      ...target,
      ruleId: randomUUID(),
      ruleName: "cpu_high",
      ruleKind: "threshold",
      severity: "warning",
      metric: "cpu",
      labelsKey: "",
      labels: {},
      value: 0.99,
      threshold: 0.9,
      atMs: Date.now(),
    });
    await p.incidents.whenIdle();
    await sleep(10); // one incident at a time: latency, not a storm
  }
  const until = Date.now() + 15_000;
  while (sink.accepted.size < samples && Date.now() < until) await sleep(20);
  return [...committed].flatMap(([id, t0]) =>
    sink.accepted.has(id) ? [sink.accepted.get(id)! - t0] : [],
  );
}

async function throughput(
  p: Platform,
  sink: Awaited<ReturnType<typeof smtpSink>>,
  messages: number,
): Promise<number> {
  const now = new Date();
  const run = randomUUID();
  const rows = Array.from({ length: messages }, (_, i) => ({
    key: `bench:${run}:${i}`,
    channel: "email",
    recipient: `r${i}@bench.test`,
    contractId: null,
    incidentId: null,
    event: "incident.opened",
    language: "en",
    payload: { subject: "bench", text: "bench", html: "<p>bench</p>", audience: "staff" },
    nextAttemptAt: now,
  }));
  const before = sink.count();
  const started = performance.now();
  for (let i = 0; i < rows.length; i += 500)
    await enqueue(p.db.dataSource, rows.slice(i, i + 500), now);
  p.notifier.wake();
  const until = Date.now() + 20_000;
  while (sink.count() - before < messages && Date.now() < until) await sleep(10);
  return ((sink.count() - before) / (performance.now() - started)) * 1000;
}

export async function main(
  opts: { samples?: number; messages?: number; runs?: number } = {},
): Promise<Line[]> {
  const dir = mkdtempSync(join(tmpdir(), "msp-bench-notify-"));
  const sink = await smtpSink();
  const platform = await startPlatform(
    loadConfig({
      PORT: "0",
      DATA_DIR: dir,
      ROLES: "notify",
      LOG_LEVEL: "silent",
      SMTP_URL: sink.url,
      MAIL_FROM: "MSP <noreply@bench.test>",
      NOTIFY_DIGEST_THRESHOLD: "0", // one e-mail per incident: this measures latency, not storms
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    }),
    { log: createLogger("silent"), clock: systemClock },
  );
  try {
    const samples = opts.samples ?? 100;
    const ms = await latency(platform, sink, samples);
    const rates: number[] = [];
    for (let r = 0; r < (opts.runs ?? 3); r++)
      rates.push(await throughput(platform, sink, opts.messages ?? 300));
    const db = platform.db.kind;
    return [
      {
        bench: "notify.email_latency_p99_ms",
        value: round(pct(ms, 0.99)),
        unit: "ms",
        db,
        samples: ms.length,
        goalMs: 1000,
      },
      {
        bench: "notify.email_latency_p50_ms",
        value: round(pct(ms, 0.5)),
        unit: "ms",
        db,
        samples: ms.length,
      },
      {
        bench: "notify.throughput_msgs_per_s",
        value: Math.round(pct(rates, 0.5)),
        unit: "msg/s",
        db,
        runs: rates.map(Math.round),
        workers: 1,
      },
    ];
  } finally {
    await platform.stop();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await main()) console.log(JSON.stringify(line));
}
