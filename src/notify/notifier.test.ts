import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../infra/config.js";
import { notifierSettings } from "./notifier.js";

describe(notifierSettings.name, () => {
  it("defaults to the local mailbox, a 60 s / 5 incident digest and 24 h of retries ≤ 5 min apart", () => {
    const s = notifierSettings(loadConfig({}));
    expect(s.smtpUrl).toBeUndefined();
    expect(s.digest).toEqual({ windowS: 60, threshold: 5 });
    expect(s.worker.retryForMs).toBe(24 * 3_600_000);
    expect(s.worker.backoff.capMs).toBe(300_000);
    expect(s.worker.leaseMs).toBe(30_000);
    expect(s.worker.pollMs).toBe(200);
  });

  it("reads SMTP, sender, public URL and the digest settings", () => {
    const s = notifierSettings(
      loadConfig({
        SMTP_URL: "smtps://user:pw@mail.example:465",
        MAIL_FROM: "MSP <noc@msp.example>",
        PUBLIC_URL: "https://msp.example",
        NOTIFY_DIGEST_WINDOW_S: "120",
        NOTIFY_DIGEST_THRESHOLD: "0",
        NOTIFY_RETRY_FOR_HOURS: "3",
        NOTIFY_RETRY_MAX_DELAY_S: "60",
      }),
    );
    expect(s).toMatchObject({
      smtpUrl: "smtps://user:pw@mail.example:465",
      mailFrom: "MSP <noc@msp.example>",
      publicUrl: "https://msp.example",
      digest: { windowS: 120, threshold: 0 },
      worker: { retryForMs: 3 * 3_600_000, backoff: { capMs: 60_000 } },
    });
  });

  it("names every bad notification variable", () => {
    try {
      loadConfig({
        NOTIFY_DIGEST_WINDOW_S: "0",
        NOTIFY_DIGEST_THRESHOLD: "many",
        NOTIFY_RETRY_FOR_HOURS: "0",
        NOTIFY_RETRY_MAX_DELAY_S: "1",
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const names = (err as ConfigError).problems.map((p) => p.split(":")[0]).sort();
      expect(names).toEqual([
        "NOTIFY_DIGEST_THRESHOLD",
        "NOTIFY_DIGEST_WINDOW_S",
        "NOTIFY_RETRY_FOR_HOURS",
        "NOTIFY_RETRY_MAX_DELAY_S",
      ]);
    }
  });
});
