import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";
import { alertFor, clear, fire, uploadIncidentRunbook } from "../support/incidents.js";
import {
  outboxRows,
  setContacts,
  startReceiver,
  startSmtp,
  waitUntil,
  type TestReceiver,
  type TestSmtp,
} from "./notify-helpers.js";

// The whole path from a real alert: incident engine → outbox (same transaction) → worker →
// nodemailer → a real SMTP server on 127.0.0.1, parsed with mailparser.
describe("notifications over SMTP", () => {
  let app: TestApp;
  let smtp: TestSmtp;
  let receiver: TestReceiver;
  let oncallEmail: string;
  const mailsTo = (addr: string) => smtp.mails.filter((m) => m.to === addr);

  const contract = async (
    plan: string,
    opts: { runbook?: boolean; name?: string; component?: string } = {},
  ) => {
    const { contract, components } = await makeContract(app.api, {
      plan,
      components: [opts.component ?? "vm-01"],
    });
    if (opts.runbook) await uploadIncidentRunbook(app, contract.id);
    const tag = contract.id.slice(0, 8);
    const contacts = {
      ja: `ja-${tag}@customer.test`,
      en: `en-${tag}@customer.test`,
    };
    await setContacts(app, contract.id, [
      { name: "運用担当", email: contacts.ja, language: "ja" },
      { name: "Ops", email: contacts.en, language: "en" },
    ]);
    return { contractId: contract.id as string, componentId: components[0].id as string, contacts };
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    receiver = await startReceiver();
    app = await startTestApp({
      env: {
        SMTP_URL: smtp.url,
        MAIL_FROM: "MSP Platform <noreply@msp.test>",
        PUBLIC_URL: "https://msp.test",
        ROLES: "api,collector,notify",
        WEBHOOK_ALLOW_PRIVATE_CIDRS: "127.0.0.0/8", // the signed receiver runs on 127.0.0.1
        NOTIFY_DIGEST_THRESHOLD: "3",
        NOTIFY_DIGEST_WINDOW_S: "60",
      },
    });
    const engineer = await makeUser(app.api, "oncall");
    oncallEmail = engineer.user.email;
    const rotation = await app.api("post", "/oncall/rotations", {
      body: {
        name: "first line",
        line: "first",
        memberIds: [engineer.user.id],
        startsAt: "2026-11-01T00:00:00Z",
        shiftHours: 24 * 31,
      },
    });
    expect(rotation.status).toBe(201);
    const hook = await app.api("post", "/webhooks", {
      body: { name: "pager", url: receiver.url, events: ["page"] },
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    expect(hook.body.contractId).toBeNull();
    receiver.secret = hook.body.secret;
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
    await receiver?.close();
  });

  it("e-mails a watch contract's contacts only, each in their language, threaded per incident", async () => {
    const t = await contract("entry");
    const alert = alertFor(app, t);
    await fire(app, alert);
    const both = () => mailsTo(t.contacts.ja).length + mailsTo(t.contacts.en).length;
    await waitUntil(both, (n) => n === 2, "opened mails");
    const [ja] = mailsTo(t.contacts.ja);
    const [en] = mailsTo(t.contacts.en);
    expect(ja!.text).toContain("障害を検知しました");
    expect(ja!.text).toContain("監視プラン");
    expect(en!.text).toContain("Incident detected");
    expect(en!.text).toContain("we watch the incident and notify you");
    expect(en!.text).toMatch(/Detected\s+: 2026-11-20 12:00:00 JST/);
    expect(en!.from).toContain("noreply@msp.test");
    const rows = await outboxRows(app, "contract_id = $1", [t.contractId]);
    expect(rows.map((r) => `${r.channel}:${r.recipient}:${r.event}`).sort()).toEqual([
      `email:${t.contacts.en}:incident.opened`,
      `email:${t.contacts.ja}:incident.opened`,
    ]);
    const incidentId = rows[0].incidentId;
    expect(en!.messageId).toBe(`<incident-${incidentId}@msp.test>`);
    expect(en!.text).toContain(`https://msp.test/#/incidents/${incidentId}`);

    await clear(app, alert);
    await waitUntil(
      () => mailsTo(t.contacts.en).length,
      (n) => n === 2,
      "resolved mail",
    );
    const resolved = mailsTo(t.contacts.en)[1]!;
    expect(resolved.subject).toBe(`Re: ${en!.subject}`);
    expect(resolved.inReplyTo).toBe(en!.messageId);
    expect(resolved.references).toBe(en!.messageId);
    expect(resolved.text).toContain("Resolved automatically");
    expect(mailsTo(t.contacts.ja)[1]!.text).toContain("解決済み");
  });

  it("pages the first-line engineer (e-mail and signed staff webhook) on a standard contract with a runbook", async () => {
    const t = await contract("standard", { runbook: true });
    const before = receiver.received.length;
    await fire(app, alertFor(app, t));
    await waitUntil(
      () => mailsTo(t.contacts.en).length + mailsTo(t.contacts.ja).length,
      (n) => n === 2,
      "customer mails",
    );
    await waitUntil(
      () => outboxRows(app, "contract_id = $1 AND state <> 'sent'", [t.contractId]),
      (r) => r.length === 0,
      "all sent",
    );
    const [pageRow] = await outboxRows(
      app,
      "contract_id = $1 AND event = 'page' AND channel = 'email'",
      [t.contractId],
    );
    expect(pageRow.recipient).toBe(oncallEmail);
    const page = smtp.mails.find((m) => m.messageId === pageRow.payload.messageId);
    expect(page!.to).toBe(oncallEmail);
    expect(page!.subject).toMatch(/^\[PAGE\] \[MSP\] #/);
    expect(page!.text).toContain("一次対応として呼び出されました"); // the engineer's language (ja)
    expect(mailsTo(t.contacts.en)[0]!.text).toContain("a NOC engineer is paged");
    const hook = await waitUntil(
      () => receiver.received.slice(before),
      (r) => r.length >= 1,
      "webhook",
    );
    expect(hook[0]!.valid).toBe(true);
    expect(hook[0]!.body).toMatchObject({
      event: "page",
      contract: { id: t.contractId },
      page: { line: "first", level: 0 },
    });
    expect(hook[0]!.headers["x-timestamp"]).toMatch(/^\d+$/);
    const rows = await outboxRows(app, "contract_id = $1", [t.contractId]);
    expect(rows.map((r) => `${r.channel}:${r.event}`).sort()).toEqual([
      "email:incident.opened",
      "email:incident.opened",
      "email:page",
      "webhook:page",
    ]);
  });

  it("escapes a <script> customer and component name in the HTML part", async () => {
    const applied = await app.api("post", "/contracts", {
      body: {
        customerName: `<script>alert("x")</script>`,
        plan: "entry",
        contacts: [{ name: "x", email: "xss@customer.test", language: "en" }],
      },
    });
    await app.api("post", `/contracts/${applied.body.id}/accept`, {
      body: { startDate: "2026-11-01" },
    });
    const comp = await app.api("post", `/contracts/${applied.body.id}/components`, {
      body: { name: "<script>vm</script>", os: "linux" },
    });
    await fire(app, alertFor(app, { contractId: applied.body.id, componentId: comp.body.id }));
    const [mail] = await waitUntil(
      () => mailsTo("xss@customer.test"),
      (m) => m.length === 1,
      "xss mail",
    );
    expect(mail!.html).not.toContain("<script>");
    expect(mail!.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(mail!.html).toContain("&lt;script&gt;vm&lt;/script&gt;");
    expect(mail!.text).toContain(`<script>alert("x")</script>`);
  });

  it("merges an alert storm's opened e-mails into one digest, and still sends every resolved e-mail", async () => {
    const t = await contract("entry");
    const alerts = Array.from({ length: 8 }, () => alertFor(app, t));
    for (const a of alerts) await fire(app, a);
    const rows = await outboxRows(app, "contract_id = $1 AND recipient = $2", [
      t.contractId,
      t.contacts.en,
    ]);
    const opened = rows.filter((r) => r.event === "incident.opened");
    expect(opened).toHaveLength(8);
    expect(opened.filter((r) => r.state === "merged")).toHaveLength(5);
    const digest = rows.find((r) => r.event === "digest");
    expect(
      opened.filter((r) => r.state === "merged").every((r) => r.mergedInto === digest.id),
    ).toBe(true);
    expect(digest.payload.items).toHaveLength(5);
    await waitUntil(
      () => mailsTo(t.contacts.en).length,
      (n) => n === 3,
      "3 individual opened mails",
    );

    app.clock.advance(61_000); // the digest waits one window to collect the storm
    app.platform.notifier.wake();
    const withDigest = await waitUntil(
      () => mailsTo(t.contacts.en),
      (m) => m.length === 4,
      "digest mail",
    );
    expect(withDigest[3]!.subject).toContain("5 incidents opened (digest)");
    expect(mailsTo(t.contacts.ja).at(-1)!.subject).toContain("5 件");

    for (const a of alerts) await clear(app, a);
    const all = await waitUntil(
      () => mailsTo(t.contacts.en),
      (m) => m.length === 12,
      "8 resolved mails",
    );
    expect(all.filter((m) => m.text.includes("Incident resolved"))).toHaveLength(8);
  });
});
