import { fixedClock } from "../../src/infra/clock.js";
import { loadConfig, type Config } from "../../src/infra/config.js";
import { createLogger } from "../../src/infra/logger.js";
import { startPlatform, type Platform } from "../../src/platform/platform.js";
import { createTestDatabase, type TestDatabase } from "./db.js";

export interface TestApp {
  url: string;
  platform: Platform;
  db: TestDatabase;
  clock: ReturnType<typeof fixedClock>;
  adminToken: string;
  api: ApiClient;
  stop(): Promise<void>;
}

export type ApiClient = <T = any>(
  method: string,
  path: string,
  opts?: {
    token?: string | null;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  },
) => Promise<{ status: number; body: T; headers: Headers }>;

export function apiClient(baseUrl: string, defaultToken: () => string | null): ApiClient {
  return async (method, path, opts = {}) => {
    const token = opts.token === undefined ? defaultToken() : opts.token;
    const headers: Record<string, string> = {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...opts.headers,
    };
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(baseUrl + path, { method: method.toUpperCase(), headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // non-JSON responses (CSV, HTML) stay text
    }
    return { status: res.status, body: parsed as never, headers: res.headers };
  };
}

/**
 * Logs the admin in; a one-time (bootstrap) password is replaced first, as an operator must,
 * and `admin.password` then carries the new one. Returns the session token.
 */
export async function loginAdmin(
  api: ApiClient,
  admin: { email: string; password: string },
): Promise<string> {
  const login = await api("post", "/auth/login", {
    token: null,
    body: { email: admin.email, password: admin.password },
  });
  if (login.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(login.body)}`);
  const token = login.body.token as string;
  const me = await api("get", "/auth/me", { token });
  if (me.body?.mustChangePassword) {
    const newPassword = `${admin.password}-changed`;
    const changed = await api("post", "/auth/password", {
      token,
      body: { currentPassword: admin.password, newPassword },
    });
    if (changed.status !== 204)
      throw new Error(`admin password change failed: ${JSON.stringify(changed.body)}`);
    admin.password = newPassword;
  }
  return token;
}

/** Starts the whole platform in-process on a fresh database with an injected clock. */
export async function startTestApp(
  opts: { now?: Date; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const clock = fixedClock(opts.now ?? new Date("2026-11-20T03:00:00Z"));
  const config: Config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: db.dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    ROLES: "api,collector",
    DB_POOL_SIZE: "5",
    ...(db.url ? { DATABASE_URL: db.url } : {}),
    ...opts.env,
  });
  const platform = await startPlatform(config, {
    log: createLogger("silent"),
    clock,
  });
  let adminToken = "";
  const api = apiClient(`${platform.url}/api/v1`, () => adminToken);
  const login = await api("post", "/auth/login", {
    token: null,
    body: { email: platform.bootstrapAdmin!.email, password: platform.bootstrapAdmin!.password },
  });
  if (login.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(login.body)}`);
  adminToken = login.body.token;
  // The bootstrap password is one-time: replace it (as an operator must) so the admin can act.
  // Tests that log in again read platform.bootstrapAdmin, so it carries the new password.
  const newPassword = `${platform.bootstrapAdmin!.password}-changed`;
  const changed = await api("post", "/auth/password", {
    body: { currentPassword: platform.bootstrapAdmin!.password, newPassword },
  });
  if (changed.status !== 204)
    throw new Error(`admin password change failed: ${JSON.stringify(changed.body)}`);
  platform.bootstrapAdmin!.password = newPassword;
  return {
    url: platform.url,
    platform,
    db,
    clock,
    adminToken,
    api,
    stop: async () => {
      await platform.stop();
      await db.drop();
    },
  };
}
