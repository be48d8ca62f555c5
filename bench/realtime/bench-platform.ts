// A whole platform for the realtime and alert benches: embedded PGlite in a scratch
// directory, or PostgreSQL when DATABASE_URL is set (a scratch database is the caller's job),
// with the real system clock, plus helpers to make tenants and credentials over the API.
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../src/infra/clock.js";
import { loadConfig } from "../../src/infra/config.js";
import { createLogger } from "../../src/infra/logger.js";
import { startPlatform, type Platform } from "../../src/platform/platform.js";

export interface BenchPlatform {
  platform: Platform;
  url: string;
  db: string;
  adminToken: string;
  api: <T = any>(method: string, path: string, body?: unknown, token?: string) => Promise<T>;
  stop(): Promise<void>;
}

export async function startBenchPlatform(env: Record<string, string> = {}): Promise<BenchPlatform> {
  const dir = mkdtempSync(join(tmpdir(), "msp-bench-rt-"));
  const url = process.env.DATABASE_URL;
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dir,
    LOG_LEVEL: "silent",
    DB_POOL_SIZE: "10",
    ...(url ? { DATABASE_URL: url } : {}),
    ...env,
  });
  const platform = await startPlatform(config, { log: createLogger("silent"), clock: systemClock });
  const base = `${platform.url}/api/v1`;
  const api = async <T>(method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(base + path, {
      method: method.toUpperCase(),
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = (await res.json().catch(() => null)) as T;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(parsed)}`);
    return parsed;
  };
  const admin = platform.bootstrapAdmin;
  if (!admin) throw new Error("bench needs an empty database (no bootstrap admin was created)");
  const login = await api<{ token: string }>("post", "/auth/login", admin);
  // The bootstrap password is one-time: replace it, as an operator must, so the admin can act.
  const newPassword = `${admin.password}-bench`;
  await api(
    "post",
    "/auth/password",
    { currentPassword: admin.password, newPassword },
    login.token,
  );
  admin.password = newPassword;
  return {
    platform,
    url: platform.url,
    db: (env.DATABASE_URL ?? url) ? "postgres" : "pglite",
    adminToken: login.token,
    api: (method, path, body, token = login.token) => api(method, path, body, token),
    stop: async () => {
      await platform.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const uniq = () => randomBytes(4).toString("hex");

/** An active contract with `components` components; returns ids. */
export async function makeTenant(
  bp: BenchPlatform,
  plan: string,
  components = 1,
): Promise<{ contractId: string; componentIds: string[] }> {
  const applied = await bp.api<{ id: string }>("post", "/contracts", {
    customerName: `Bench ${uniq()}`,
    plan,
    contacts: [{ name: "Ops", email: `ops-${uniq()}@example.jp`, language: "en" }],
  });
  await bp.api("post", `/contracts/${applied.id}/accept`, { startDate: "2026-01-01" });
  const componentIds: string[] = [];
  for (let i = 0; i < components; i++) {
    const c = await bp.api<{ id: string }>("post", `/contracts/${applied.id}/components`, {
      name: `vm-${String(i).padStart(5, "0")}`,
      os: "linux",
    });
    componentIds.push(c.id);
  }
  return { contractId: applied.id, componentIds };
}

/** A user of `role`, logged in; with `apiKey` an API key of theirs as well. */
export async function makeCredentials(
  bp: BenchPlatform,
  role: "noc" | "oncall" | "admin" | "customer",
  contractId: string | null,
): Promise<{ session: string; apiKey: string }> {
  const email = `${role}-${uniq()}@example.jp`;
  const password = `pw-${uniq()}-${uniq()}`;
  await bp.api("post", "/users", { email, displayName: role, role, contractId, password });
  const { token } = await bp.api<{ token: string }>("post", "/auth/login", { email, password });
  const key = await bp.api<{ secret: string }>("post", "/api-keys", { name: "bench" }, token);
  return { session: token, apiKey: key.secret };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const round2 = (x: number) => Math.round(x * 100) / 100;

/** Wall time comparable across worker threads of one process. */
export const nowMs = () => performance.timeOrigin + performance.now();

/** One bundled-agent JSON batch over HTTP (the way a VM's agent pushes). */
export function agentPush(
  url: string,
  token: string,
  host: string,
  series: { name: string; labels: Record<string, string>; samples: [number, number][] }[],
): Promise<Response> {
  return fetch(`${url}/api/v1/ingest/agent`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({
      version: 1,
      agent: { name: "msp-agent", version: "1.0.0" },
      os: "linux",
      host,
      series,
    }),
  });
}
