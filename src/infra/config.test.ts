import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

describe("SMTP TLS and PUBLIC_URL", () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (e) {
      return (e as ConfigError).problems;
    }
  };

  it("defaults to opportunistic STARTTLS that verifies the certificate", () => {
    expect(loadConfig({}).mail.tls).toEqual({ mode: "opportunistic", rejectUnauthorized: true });
  });

  it("reads the CA file and the switches", () => {
    const dir = mkdtempSync(join(tmpdir(), "msp-ca-"));
    const ca = join(dir, "ca.pem");
    writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    const c = loadConfig({
      SMTP_TLS: "require",
      SMTP_TLS_CA_FILE: ca,
      SMTP_TLS_REJECT_UNAUTHORIZED: "false",
    });
    expect(c.mail.tls).toMatchObject({ mode: "require", rejectUnauthorized: false });
    expect(c.mail.tls.ca).toContain("BEGIN CERTIFICATE");
    rmSync(dir, { recursive: true });
  });

  it("names a bad mode, an unreadable CA file and none with smtps://", () => {
    expect(problems({ SMTP_TLS: "maybe" })[0]).toMatch(/^SMTP_TLS:/);
    expect(problems({ SMTP_TLS_CA_FILE: "/nonexistent/ca.pem" })[0]).toMatch(
      /^SMTP_TLS_CA_FILE: cannot read/,
    );
    expect(problems({ SMTP_TLS_REJECT_UNAUTHORIZED: "nope" })[0]).toMatch(
      /^SMTP_TLS_REJECT_UNAUTHORIZED:/,
    );
    expect(problems({ SMTP_TLS: "none", SMTP_URL: "smtps://mail.example" })[0]).toMatch(
      /^SMTP_TLS: none cannot apply/,
    );
  });

  it.each([
    [{}, "http://127.0.0.1:8080"],
    [{ PORT: "3000" }, "http://127.0.0.1:3000"],
    [{ HOST: "0.0.0.0", PORT: "9000" }, "http://localhost:9000"],
    [{ HOST: "::1", PORT: "9000" }, "http://[::1]:9000"],
    [{ HOST: "0.0.0.0", PUBLIC_URL: "https://msp.example" }, "https://msp.example"],
  ])("derives PUBLIC_URL from HOST and PORT unless set (%j)", (env, want) => {
    expect(loadConfig(env).http.publicUrl).toBe(want);
  });
});

describe("collector leases", () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (e) {
      return (e as ConfigError).problems;
    }
  };

  it("defaults to a 10 s lease, a 3 s heartbeat, a 30 s hand-over and this process's address", () => {
    expect(loadConfig({ PORT: "9000" }).ownership).toEqual({
      internalUrl: "http://127.0.0.1:9000",
      leaseMs: 10_000,
      heartbeatMs: 3_000,
      handOverAfterMs: 30_000,
    });
    expect(loadConfig({ COLLECTOR_HANDOFF_S: "0" }).ownership.handOverAfterMs).toBe(0);
    expect(
      loadConfig({ COLLECTOR_INTERNAL_URL: "http://collector-2:8080" }).ownership.internalUrl,
    ).toBe("http://collector-2:8080");
  });

  it("names a bad URL, a bad timing and a lease shorter than two heartbeats", () => {
    expect(problems({ COLLECTOR_INTERNAL_URL: "collector-2" })[0]).toMatch(
      /^COLLECTOR_INTERNAL_URL:/,
    );
    expect(problems({ COLLECTOR_HEARTBEAT_S: "0" })[0]).toMatch(/^COLLECTOR_HEARTBEAT_S:/);
    expect(problems({ COLLECTOR_HANDOFF_S: "-1" })[0]).toMatch(/^COLLECTOR_HANDOFF_S:/);
    expect(problems({ COLLECTOR_HANDOFF_S: "soon" })[0]).toMatch(/^COLLECTOR_HANDOFF_S:/);
    expect(problems({ COLLECTOR_LEASE_S: "5", COLLECTOR_HEARTBEAT_S: "3" })[0]).toMatch(
      /^COLLECTOR_LEASE_S: must be at least twice COLLECTOR_HEARTBEAT_S/,
    );
  });
});
