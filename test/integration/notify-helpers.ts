// Test plumbing for the notification tests: a real SMTP server on 127.0.0.1 (smtp-server)
// whose messages are parsed with mailparser, and small polling helpers.
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { TestApp } from "../support/app.js";

export interface ReceivedMail {
  to: string;
  from: string;
  subject: string;
  messageId: string;
  inReplyTo: string | undefined;
  references: string | undefined;
  text: string;
  html: string;
}

export interface TestSmtp {
  port: number;
  url: string;
  mails: ReceivedMail[];
  close(): Promise<void>;
  /** Starts again on the same port (after close: "the SMTP server comes back"). */
  reopen(): Promise<void>;
}

const flat = (v: ParsedMail["references"]) => (Array.isArray(v) ? v.join(" ") : v);

export async function startSmtp(port = 0): Promise<TestSmtp> {
  const mails: ReceivedMail[] = [];
  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"], // plain on loopback; TLS is nodemailer's, not under test
      logger: false,
      closeTimeout: 100, // "down" means down: do not wait for idle pooled clients
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((m) => {
            for (const rcpt of session.envelope.rcptTo) {
              mails.push({
                to: rcpt.address,
                from: m.from?.text ?? "",
                subject: m.subject ?? "",
                messageId: m.messageId ?? "",
                inReplyTo: m.inReplyTo,
                references: flat(m.references),
                text: m.text ?? "",
                html: typeof m.html === "string" ? m.html : "",
              });
            }
            callback();
          })
          .catch(callback);
      },
    });
  let server = make();
  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(p, "127.0.0.1", () => resolve((server.server.address() as AddressInfo).port));
    });
  const bound = await listen(port);
  return {
    port: bound,
    url: `smtp://127.0.0.1:${bound}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    reopen: async () => {
      server = make();
      await listen(bound);
    },
  };
}

export async function waitUntil<T>(
  probe: () => Promise<T> | T,
  ok: (v: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function outboxRows(app: TestApp, where = "TRUE", params: unknown[] = []) {
  return await app.platform.db.dataSource.query<any[]>(
    `SELECT id, idempotency_key AS key, channel, recipient, event, state, attempts, last_error AS "lastError",
       merged_into AS "mergedInto", incident_id AS "incidentId", next_attempt_at AS "nextAttemptAt", payload
     FROM outbox_messages WHERE ${where} ORDER BY created_at, idempotency_key`,
    params,
  );
}

export async function setContacts(
  app: TestApp,
  contractId: string,
  contacts: { name: string; email: string; language: "ja" | "en" }[],
) {
  const res = await app.api("put", `/contracts/${contractId}/contacts`, { body: contacts });
  if (res.status !== 200) throw new Error(`contacts failed: ${JSON.stringify(res.body)}`);
}

export interface TestReceiver {
  url: string;
  received: { body: any; headers: Record<string, string | string[] | undefined>; valid: boolean }[];
  /** Status codes to answer, in order; 204 once exhausted. */
  script: number[];
  secret: string;
  close(): Promise<void>;
}

/** A webhook receiver that checks X-Signature against the secret (set after creation). */
export async function startReceiver(): Promise<TestReceiver> {
  const r: TestReceiver = { url: "", received: [], script: [], secret: "", close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const expected = `sha256=${createHmac("sha256", r.secret).update(raw).digest("hex")}`;
      const valid = req.headers["x-signature"] === expected;
      r.received.push({ body: JSON.parse(raw), headers: req.headers, valid });
      res.statusCode = valid ? (r.script.shift() ?? 204) : 401;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  r.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return r;
}
