import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe(loadConfig.name, () => {
  it("applies the documented defaults", () => {
    const c = loadConfig({});
    expect(c.http.port).toBe(8080);
    expect(c.database.url).toBeUndefined();
    expect(c.database.dataDir).toBe("./data");
    expect(c.mail.smtpUrl).toBeUndefined();
    expect(c.roles).toEqual(["api", "collector", "realtime", "scheduler", "notify"]);
  });

  it("names every bad variable at once", () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: "eighty",
        DATABASE_URL: "mysql://x",
        SMTP_URL: "http://mail",
        ROLES: "api,gardening",
        LOG_LEVEL: "loud",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.split(":")[0]);
    expect(names.sort()).toEqual(["DATABASE_URL", "LOG_LEVEL", "PORT", "ROLES", "SMTP_URL"]);
  });

  it("reads the security settings and refuses bad ones", () => {
    const c = loadConfig({
      WEBHOOK_ALLOW_PRIVATE_CIDRS: "10.0.0.0/8, fd00::/8",
      METRICS_BEARER_TOKEN: "0123456789abcdef",
    });
    expect(c.notify.webhookAllowPrivateCidrs).toEqual(["10.0.0.0/8", "fd00::/8"]);
    expect(c.metricsBearerToken).toBe("0123456789abcdef");
    expect(loadConfig({}).notify.webhookAllowPrivateCidrs).toEqual([]);
    expect(() =>
      loadConfig({ WEBHOOK_ALLOW_PRIVATE_CIDRS: "10.0.0.0/8,10.0.0.1", METRICS_BEARER_TOKEN: "x" }),
    ).toThrow(
      /WEBHOOK_ALLOW_PRIVATE_CIDRS: not CIDR ranges: 10\.0\.0\.1[\s\S]*METRICS_BEARER_TOKEN/,
    );
  });

  it("treats empty values as unset", () => {
    expect(loadConfig({ DATABASE_URL: "" }).database.url).toBeUndefined();
  });
});
