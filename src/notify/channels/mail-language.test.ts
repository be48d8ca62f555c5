import { simpleParser, type ParsedMail } from "mailparser";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderIncidentMail } from "../../domain/notify/incident-mail.js";
import type { ClaimedMessage } from "../outbox.store.js";
import { mailOf } from "./channel.js";
import { smtpMailer } from "./smtp.mailer.js";

// Issue 14: an e-mail says which language it is in, to mail clients (Content-Language) and
// to screen readers and translators (<html lang>), through a real SMTP server.
describe("e-mail language", () => {
  let server: SMTPServer;
  let url: string;
  const received: ParsedMail[] = [];

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((m) => {
            received.push(m);
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(["ja", "en"] as const)(
    "sends a %s e-mail with Content-Language and <html lang>",
    async (lang) => {
      const rendered = renderIncidentMail(
        "opened",
        {
          id: "1a2b3c4d-0000-4000-8000-000000000001",
          contractName: "ACME",
          componentName: "web-01",
          ruleName: "Agent silent",
          metric: null,
          value: null,
          threshold: null,
          severity: "critical",
          openedAtMs: 0,
          tier: "watch",
          runbookMissing: false,
          link: "http://x/",
        },
        { atMs: 0 },
        lang,
      );
      const msg: ClaimedMessage = {
        id: "m1",
        idempotencyKey: `k-${lang}`,
        queuedAt: new Date(0),
        channel: "email",
        recipient: `${lang}@customer.test`,
        contractId: null,
        incidentId: null,
        event: "incident.opened",
        language: lang,
        payload: { audience: "customer", ...rendered },
        attempts: 1,
      };
      const mailer = smtpMailer({ url, from: "MSP <noreply@msp.test>" });
      await mailer.send(mailOf(msg), msg);
      await mailer.close?.();
      const got = received.find((m) => m.subject === rendered.subject)!;
      expect(got.headers.get("content-language")).toBe(lang);
      expect(got.html).toContain(`<html lang="${lang}">`);
    },
  );
});
