import { it, expect } from "vitest";
import { smtpMailer } from "../../src/notify/channels/smtp.mailer.js";
import { startSmtp } from "./notify-helpers.js";
it("sends", async () => {
  const smtp = await startSmtp();
  const m = smtpMailer({ url: smtp.url, from: "MSP Platform <noreply@msp.test>" });
  const r = await m.send({ to: "x@y.z", subject: "s", text: "t", html: "<p>h</p>", messageId: "<incident-1@msp.test>" }, {} as any);
  console.log(r, smtp.mails);
  expect(smtp.mails).toHaveLength(1);
}, 20000);
