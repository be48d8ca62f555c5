import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClaimedMessage } from "../../src/notify/outbox.store.js";
import { smtpMailer } from "../../src/notify/channels/smtp.mailer.js";
import { loadConfig } from "../../src/infra/config.js";

// A real smtp-server offering STARTTLS with a self-signed certificate made by the openssl CLI
// at test time: the documented SMTP_TLS settings get mail through, the default refuses the
// untrusted certificate with an error that says what to set.
describe("SMTP over STARTTLS with a private certificate", () => {
  const dir = mkdtempSync(join(tmpdir(), "msp-smtp-tls-"));
  const certFile = join(dir, "cert.pem");
  const received: { secure: boolean; to: string }[] = [];
  let starttls: SMTPServer;
  let plainOnly: SMTPServer;
  const urls = { starttls: "", plainOnly: "" };

  const listen = (server: SMTPServer) =>
    new Promise<string>((resolve) =>
      server.listen(0, "127.0.0.1", () =>
        resolve(`smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`),
      ),
    );
  const make = (tls: { key: Buffer; cert: Buffer } | null) =>
    new SMTPServer({
      authOptional: true,
      logger: false,
      ...(tls ? tls : { disabledCommands: ["STARTTLS"] }),
      onData(stream, session, callback) {
        stream.resume();
        stream.on("end", () => {
          received.push({ secure: session.secure, to: session.envelope.rcptTo[0]!.address });
          callback();
        });
      },
    });

  beforeAll(async () => {
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"],
        ...["-keyout", join(dir, "key.pem"), "-out", certFile],
        ...["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
      ],
      { stdio: "ignore" },
    );
    starttls = make({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(certFile) });
    plainOnly = make(null);
    urls.starttls = await listen(starttls);
    urls.plainOnly = await listen(plainOnly);
  });
  afterAll(async () => {
    await new Promise<void>((r) => starttls.close(() => r()));
    await new Promise<void>((r) => plainOnly.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sends one message with the mailer the platform builds from these variables. */
  const send = async (url: string, env: Record<string, string>, to: string) => {
    const config = loadConfig({ SMTP_URL: url, ...env });
    const mailer = smtpMailer({ url, from: "noc@msp.test", tls: config.mail.tls });
    try {
      const mail = { to, subject: "test", text: "hello", html: "<p>hello</p>" };
      await mailer.send(mail, {} as ClaimedMessage); // the SMTP mailer reads only `mail`
    } finally {
      await mailer.close?.();
    }
  };
  const lastTo = (to: string) => received.filter((m) => m.to === to).at(-1);

  it("refuses the untrusted certificate by default, saying which setting to use", async () => {
    await expect(send(urls.starttls, {}, "default@c.test")).rejects.toMatchObject({
      message: expect.stringMatching(/self[- ]signed certificate.*SMTP_TLS_CA_FILE/s),
    });
    expect(lastTo("default@c.test")).toBeUndefined();
  });

  it("delivers over STARTTLS when SMTP_TLS_CA_FILE names the certificate", async () => {
    await send(urls.starttls, { SMTP_TLS: "require", SMTP_TLS_CA_FILE: certFile }, "ca@c.test");
    expect(lastTo("ca@c.test")).toEqual({ secure: true, to: "ca@c.test" });
  });

  it("delivers over STARTTLS without verification when SMTP_TLS_REJECT_UNAUTHORIZED=false", async () => {
    await send(urls.starttls, { SMTP_TLS_REJECT_UNAUTHORIZED: "false" }, "noverify@c.test");
    expect(lastTo("noverify@c.test")).toEqual({ secure: true, to: "noverify@c.test" });
  });

  it("sends in the clear with SMTP_TLS=none, even where STARTTLS is offered", async () => {
    await send(urls.starttls, { SMTP_TLS: "none" }, "plain@c.test");
    expect(lastTo("plain@c.test")).toEqual({ secure: false, to: "plain@c.test" });
  });

  it("fails with SMTP_TLS=require against a server that offers no STARTTLS", async () => {
    await expect(send(urls.plainOnly, { SMTP_TLS: "require" }, "req@c.test")).rejects.toThrow(
      /STARTTLS/i,
    );
    expect(lastTo("req@c.test")).toBeUndefined();
    await send(urls.plainOnly, {}, "opp@c.test"); // opportunistic: plain when not offered
    expect(lastTo("opp@c.test")).toEqual({ secure: false, to: "opp@c.test" });
  });
});
