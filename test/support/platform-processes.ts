// Platform processes as production runs them (`tsx src/main.ts`, one per role set) on one
// PostgreSQL database: for the multi-process e2e test and the scale-out bench.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { findPostgresBinDir, startThrowawayPostgres } from "./throwaway-postgres.js";

/** A fresh database: on TEST_DATABASE_URL's server, or on a throwaway server of our own. */
export async function freshPostgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let server: Awaited<ReturnType<typeof startThrowawayPostgres>> | undefined;
  if (!adminUrl) {
    const bin = findPostgresBinDir();
    if (!bin) throw new Error("needs TEST_DATABASE_URL or Debian's postgresql binaries");
    server = await startThrowawayPostgres(bin);
    adminUrl = server.url;
  }
  const name = `msp_mp_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    stop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      await server?.stop();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export interface PlatformProcess {
  url: string;
  child: ChildProcess;
  out: { stdout: string; stderr: string };
  /** SIGTERM (graceful) and wait for the exit. */
  stop: () => Promise<void>;
}

/** Starts `tsx src/main.ts` with `env` on a free loopback port; resolves once /readyz is 200. */
export async function startPlatformProcess(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<PlatformProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "msp-mp-")); // unused with DATABASE_URL
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: {
      ...process.env,
      LOG_LEVEL: "warn",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: dataDir,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out.stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) =>
    child.exitCode !== null ? r() : child.once("exit", () => r()),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  const t0 = Date.now();
  for (;;) {
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`platform exited: ${out.stderr}`);
    if (Date.now() - t0 > timeoutMs) {
      await stop();
      throw new Error(`platform not ready in ${timeoutMs} ms: ${out.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, child, out, stop };
}

/** The first start's one-time admin credentials, as main.ts prints them. */
export function bootstrapCredentials(stdout: string): { email: string; password: string } {
  const m = /e-mail: +(\S+)\n +password: +(\S+)/.exec(stdout);
  if (!m) throw new Error(`no bootstrap credentials in: ${stdout}`);
  return { email: m[1]!, password: m[2]! };
}
