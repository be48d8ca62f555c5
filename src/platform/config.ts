import ipaddr from "ipaddr.js";
import { z } from "zod";

// Every environment variable the platform reads, parsed once at boot. A bad value stops
// boot with one message naming every bad variable (not just the first).
const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
export const ROLES = ["api", "collector", "realtime", "scheduler", "notify"] as const;
export type Role = (typeof ROLES)[number];

export const Env = z.object({
  PORT: intFrom(0, 65535).default(8080),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  DB_POOL_SIZE: intFrom(1, 200).default(10),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  MAIL_FROM: z.string().min(3).default("MSP Platform <noreply@localhost>"),
  PUBLIC_URL: z.url().default("http://127.0.0.1:8080"),
  // Alert-storm digest: past THRESHOLD incidents of one contract opened within WINDOW_S,
  // further "opened" e-mails merge into one digest (0 turns the digest off).
  NOTIFY_DIGEST_WINDOW_S: intFrom(1, 86_400).default(60),
  NOTIFY_DIGEST_THRESHOLD: intFrom(0, 10_000).default(5),
  NOTIFY_MAX_ATTEMPTS: intFrom(1, 100).default(8),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SESSION_TTL_HOURS: intFrom(1, 24 * 30).default(12),
  ROLES: z
    .string()
    .default("all")
    .transform((v, ctx) => {
      if (v === "all") return [...ROLES];
      const roles = v.split(",").map((r) => r.trim());
      const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
      if (bad.length > 0) {
        ctx.addIssue({ code: "custom", message: `unknown role(s): ${bad.join(", ")}` });
        return z.NEVER;
      }
      return roles as Role[];
    }),
  BODY_LIMIT_KB: intFrom(1, 10_240).default(1024),
  TRUST_PROXY: bool.default(false),
  SHUTDOWN_GRACE_S: intFrom(1, 600).default(20),
  INGEST_MAX_BODY_KB: intFrom(16, 256 * 1024).default(16 * 1024),
  INGEST_SAMPLES_PER_S: intFrom(1, 10_000_000).default(2_000),
  METRICS_RETENTION_DAYS: intFrom(1, 3650).default(35),
  // Staff webhooks may reach these private ranges (comma-separated CIDRs); customers never.
  WEBHOOK_ALLOW_PRIVATE_CIDRS: z
    .string()
    .default("")
    .transform((v, ctx) => {
      const list = v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      const bad = list.filter((c) => !ipaddr.isValidCIDR(c));
      if (bad.length > 0) {
        ctx.addIssue({ code: "custom", message: `not CIDR ranges: ${bad.join(", ")}` });
        return z.NEVER;
      }
      return list;
    }),
  // When set, GET /metrics requires `Authorization: Bearer <this>`.
  METRICS_BEARER_TOKEN: z.string().min(16).optional(),
  FORWARD_REMOTE_WRITE_URL: z.url().optional(),
  FORWARD_REMOTE_WRITE_BEARER: z.string().min(1).optional(),
  INCIDENT_ESCALATION_MINUTES: intFrom(1, 1440).default(15),
  INCIDENT_REOPEN_MINUTES: intFrom(0, 10_080).default(30),
  // Printed on every invoice (qualified invoice system: seller name and registration number).
  SELLER_NAME: z.string().trim().min(1).max(200).default("MSP Platform K.K."),
  SELLER_REGISTRATION_NUMBER: z
    .string()
    .regex(/^T\d{13}$/, "must be T followed by 13 digits (適格請求書発行事業者登録番号)")
    .default("T0000000000000"),
});
export type Env = z.infer<typeof Env>;

export interface Config {
  http: {
    port: number;
    host: string;
    bodyLimitBytes: number;
    trustProxy: boolean;
    publicUrl: string;
  };
  database: { url: string | undefined; dataDir: string; poolSize: number };
  mail: { smtpUrl: string | undefined; from: string };
  notify: {
    digestWindowS: number;
    digestThreshold: number;
    maxAttempts: number;
    webhookAllowPrivateCidrs: string[];
  };
  /** Bearer token GET /metrics requires, when set. */
  metricsBearerToken: string | undefined;
  logLevel: Env["LOG_LEVEL"];
  sessionTtlMs: number;
  roles: Role[];
  shutdownGraceMs: number;
  collector: import("../collector/collector.js").CollectorOptions;
  billing: { sellerName: string; sellerRegistrationNumber: string };
  incidents: { escalationAfterMs: number; reopenWindowMs: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings count as unset, as a shell `FOO=` usually means "no value".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  const parsed = Env.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`),
    );
  }
  const e = parsed.data;
  return {
    http: {
      port: e.PORT,
      host: e.HOST,
      bodyLimitBytes: e.BODY_LIMIT_KB * 1024,
      trustProxy: e.TRUST_PROXY,
      publicUrl: e.PUBLIC_URL,
    },
    database: { url: e.DATABASE_URL, dataDir: e.DATA_DIR, poolSize: e.DB_POOL_SIZE },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    notify: {
      digestWindowS: e.NOTIFY_DIGEST_WINDOW_S,
      digestThreshold: e.NOTIFY_DIGEST_THRESHOLD,
      maxAttempts: e.NOTIFY_MAX_ATTEMPTS,
      webhookAllowPrivateCidrs: e.WEBHOOK_ALLOW_PRIVATE_CIDRS,
    },
    metricsBearerToken: e.METRICS_BEARER_TOKEN,
    logLevel: e.LOG_LEVEL,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
    roles: e.ROLES,
    shutdownGraceMs: e.SHUTDOWN_GRACE_S * 1000,
    collector: {
      maxBodyBytes: e.INGEST_MAX_BODY_KB * 1024,
      samplesPerSecondPerComponent: e.INGEST_SAMPLES_PER_S,
      flushIntervalMs: 10_000,
      retentionDays: e.METRICS_RETENTION_DAYS,
      ...(e.FORWARD_REMOTE_WRITE_URL
        ? {
            forward: {
              url: e.FORWARD_REMOTE_WRITE_URL,
              ...(e.FORWARD_REMOTE_WRITE_BEARER
                ? { bearerToken: e.FORWARD_REMOTE_WRITE_BEARER }
                : {}),
            },
          }
        : {}),
    },
    billing: { sellerName: e.SELLER_NAME, sellerRegistrationNumber: e.SELLER_REGISTRATION_NUMBER },
    incidents: {
      escalationAfterMs: e.INCIDENT_ESCALATION_MINUTES * 60_000,
      reopenWindowMs: e.INCIDENT_REOPEN_MINUTES * 60_000,
    },
  };
}
