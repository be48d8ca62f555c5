import { readFileSync } from "node:fs";
import { hostname } from "node:os";
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
  // require: STARTTLS or fail; opportunistic: STARTTLS when offered; none: never (smtp:// only).
  SMTP_TLS: z.enum(["require", "opportunistic", "none"]).default("opportunistic"),
  SMTP_TLS_CA_FILE: z.string().min(1).optional(),
  SMTP_TLS_REJECT_UNAUTHORIZED: bool.default(true),
  MAIL_FROM: z.string().min(3).default("MSP Platform <noreply@localhost>"),
  // Links in e-mails; derived from HOST and PORT when unset.
  PUBLIC_URL: z.url().optional(),
  // Alert-storm digest: past THRESHOLD incidents of one contract opened within WINDOW_S,
  // further "opened" e-mails merge into one digest (0 turns the digest off).
  NOTIFY_DIGEST_WINDOW_S: intFrom(1, 86_400).default(60),
  NOTIFY_DIGEST_THRESHOLD: intFrom(0, 10_000).default(5),
  // Delivery is budgeted in time: a failing message is retried (backoff with jitter, at most
  // NOTIFY_RETRY_MAX_DELAY_S apart) for NOTIFY_RETRY_FOR_HOURS after it was queued.
  NOTIFY_RETRY_FOR_HOURS: intFrom(1, 24 * 7).default(24),
  NOTIFY_RETRY_MAX_DELAY_S: intFrom(5, 3_600).default(300),
  // A page e-mail failing this long also goes to every staff webhook.
  NOTIFY_PAGE_FALLBACK_MINUTES: intFrom(1, 24 * 60).default(5),
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
  // Several collectors on PostgreSQL (decision 0019): where the others forward pushes of the
  // contracts this one holds, and how long a lease lives without its holder's heartbeat.
  COLLECTOR_INTERNAL_URL: z.url().optional(),
  COLLECTOR_LEASE_S: intFrom(2, 600).default(10),
  COLLECTOR_HEARTBEAT_S: intFrom(1, 300).default(3),
  COLLECTOR_HANDOFF_S: intFrom(0, 86_400).default(30),
  FORWARD_REMOTE_WRITE_URL: z.url().optional(),
  FORWARD_REMOTE_WRITE_BEARER: z.string().min(1).optional(),
  INCIDENT_ESCALATION_MINUTES: intFrom(1, 1440).default(15),
  INCIDENT_REOPEN_MINUTES: intFrom(0, 10_080).default(30),
  // Alert storms (decision 0014): a rule firing on several components of one contract within
  // GROUP_WINDOW_S of its incident's opening joins that incident (0 turns grouping off); from
  // GROUP_MIN members it stays a group that later members join while it is unresolved.
  INCIDENT_GROUP_WINDOW_S: intFrom(0, 86_400).default(60),
  INCIDENT_GROUP_MIN: intFrom(2, 100_000).default(5),
  // A grouped incident's customer follow-up ("more components affected") at most this often.
  INCIDENT_GROUP_FOLLOWUP_MINUTES: intFrom(1, 1440).default(5),
  // More than this share of a contract's components silent together: "contract unreachable".
  INCIDENT_UNREACHABLE_RATIO: z.coerce.number().min(0).max(1).default(0.5),
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
  mail: { smtpUrl: string | undefined; from: string; tls: SmtpTls };
  notify: {
    digestWindowS: number;
    digestThreshold: number;
    retryForMs: number;
    retryMaxDelayMs: number;
    pageFallbackMs: number;
    webhookAllowPrivateCidrs: string[];
  };
  /** Bearer token GET /metrics requires, when set. */
  metricsBearerToken: string | undefined;
  logLevel: Env["LOG_LEVEL"];
  sessionTtlMs: number;
  roles: Role[];
  shutdownGraceMs: number;
  collector: import("../collector/collector.js").CollectorOptions;
  ownership: import("../collector/ownership.js").OwnershipOptions;
  billing: { sellerName: string; sellerRegistrationNumber: string };
  incidents: import("../incidents/incident-tx.js").IncidentSettings;
}

export interface SmtpTls {
  mode: "require" | "opportunistic" | "none";
  /** PEM text of SMTP_TLS_CA_FILE: the CA that signed the relay's certificate. */
  ca?: string;
  rejectUnauthorized: boolean;
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
  const problems: string[] = [];
  const tls: SmtpTls = { mode: e.SMTP_TLS, rejectUnauthorized: e.SMTP_TLS_REJECT_UNAUTHORIZED };
  if (e.SMTP_TLS_CA_FILE !== undefined) {
    try {
      tls.ca = readFileSync(e.SMTP_TLS_CA_FILE, "utf8");
      if (!tls.ca.includes("-----BEGIN CERTIFICATE-----")) throw new Error("no PEM certificate");
    } catch (err) {
      problems.push(`SMTP_TLS_CA_FILE: cannot read a PEM certificate: ${(err as Error).message}`);
    }
  }
  if (e.SMTP_TLS === "none" && e.SMTP_URL?.startsWith("smtps://"))
    problems.push("SMTP_TLS: none cannot apply to an smtps:// URL (TLS from the first byte)");
  if (e.COLLECTOR_HEARTBEAT_S * 2 > e.COLLECTOR_LEASE_S)
    problems.push(
      `COLLECTOR_LEASE_S: must be at least twice COLLECTOR_HEARTBEAT_S (${e.COLLECTOR_HEARTBEAT_S}), or a live collector loses its leases`,
    );
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    http: {
      port: e.PORT,
      host: e.HOST,
      bodyLimitBytes: e.BODY_LIMIT_KB * 1024,
      trustProxy: e.TRUST_PROXY,
      publicUrl: e.PUBLIC_URL ?? derivedPublicUrl(e.HOST, e.PORT),
    },
    database: { url: e.DATABASE_URL, dataDir: e.DATA_DIR, poolSize: e.DB_POOL_SIZE },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, tls },
    notify: {
      digestWindowS: e.NOTIFY_DIGEST_WINDOW_S,
      digestThreshold: e.NOTIFY_DIGEST_THRESHOLD,
      retryForMs: e.NOTIFY_RETRY_FOR_HOURS * 3_600_000,
      retryMaxDelayMs: e.NOTIFY_RETRY_MAX_DELAY_S * 1000,
      pageFallbackMs: e.NOTIFY_PAGE_FALLBACK_MINUTES * 60_000,
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
    ownership: {
      internalUrl: e.COLLECTOR_INTERNAL_URL ?? internalUrl(e.HOST, e.PORT),
      leaseMs: e.COLLECTOR_LEASE_S * 1000,
      heartbeatMs: e.COLLECTOR_HEARTBEAT_S * 1000,
      handOverAfterMs: e.COLLECTOR_HANDOFF_S * 1000,
    },
    billing: { sellerName: e.SELLER_NAME, sellerRegistrationNumber: e.SELLER_REGISTRATION_NUMBER },
    incidents: {
      escalationAfterMs: e.INCIDENT_ESCALATION_MINUTES * 60_000,
      reopenWindowMs: e.INCIDENT_REOPEN_MINUTES * 60_000,
      groupWindowMs: e.INCIDENT_GROUP_WINDOW_S * 1000,
      groupMinMembers: e.INCIDENT_GROUP_MIN,
      followupEveryMs: e.INCIDENT_GROUP_FOLLOWUP_MINUTES * 60_000,
      unreachableRatio: e.INCIDENT_UNREACHABLE_RATIO,
    },
  };
}

/** Where other collectors reach this one when COLLECTOR_INTERNAL_URL is unset. */
function internalUrl(host: string, port: number): string {
  return host === "0.0.0.0" || host === "::"
    ? `http://${hostname()}:${port}`
    : derivedPublicUrl(host, port);
}

/** Where this process is reached when PUBLIC_URL is unset: a wildcard HOST means this machine. */
export function derivedPublicUrl(host: string, port: number): string {
  const h =
    host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return `http://${h}:${port}`;
}
