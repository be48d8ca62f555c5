import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

// A PostgreSQL server of our own for the test run: initdb in a temp directory, a free
// loopback port, removed afterwards. Needs the server binaries (Debian's `postgresql`).

export function findPostgresBinDir(): string | null {
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv && existsSync(join(fromEnv, "initdb"))) return fromEnv;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb")));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export interface ThrowawayPostgres {
  url: string;
  stop(): Promise<void>;
  /** Stops the server (fast shutdown), keeping its data, to test a database that goes away. */
  pause(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  resume(): Promise<void>;
}

export async function startThrowawayPostgres(binDir: string): Promise<ThrowawayPostgres> {
  const dir = mkdtempSync(join(tmpdir(), "msp-pg-"));
  const dataDir = join(dir, "data");
  // initdb refuses to run as root: run the server as the `postgres` system user then.
  const asRoot = process.getuid?.() === 0;
  const pgUser = asRoot
    ? Number(execFileSync("id", ["-u", "postgres"]).toString().trim())
    : undefined;
  if (asRoot) {
    chmodSync(dir, 0o755);
    chownSync(dir, pgUser!, Number(execFileSync("id", ["-g", "postgres"]).toString().trim()));
  }
  const run = (bin: string, args: string[]) =>
    (asRoot
      ? ["runuser", ["-u", "postgres", "--", join(binDir, bin), ...args]]
      : [join(binDir, bin), args]) as [string, string[]];
  const [initCmd, initArgs] = run("initdb", [
    "-D",
    dataDir,
    "-U",
    "postgres",
    "--auth=trust",
    "--no-sync",
    "-E",
    "UTF8",
    "--locale=C",
  ]);
  execFileSync(initCmd, initArgs, { stdio: "pipe" });
  const port = await freePort();
  const [cmd, args] = run("postgres", [
    "-D",
    dataDir,
    "-p",
    String(port),
    "-h",
    "127.0.0.1",
    "-k",
    dir,
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_connections=200",
  ]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const launch = async () => {
    const child: ChildProcess = spawn(cmd, args, { stdio: "ignore", detached: false });
    await waitUntilAccepting(url, child);
    return child;
  };
  // Signal the postmaster itself: runuser does not forward signals to its child.
  // SIGINT is PostgreSQL's "fast shutdown"; SIGKILL only if it does not stop in 10 s.
  const halt = async (child: ChildProcess) => {
    const pid = postmasterPid(dataDir);
    const signal = (sig: NodeJS.Signals) => {
      for (const p of [pid, child.pid]) {
        try {
          if (p) process.kill(p, sig);
        } catch {
          // already gone
        }
      }
    };
    const exited = new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    signal("SIGINT");
    const timer = setTimeout(() => signal("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  let child: ChildProcess | undefined = await launch();
  return {
    url,
    stop: async () => {
      if (child) await halt(child);
      child = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
    pause: async () => {
      if (child) await halt(child);
      child = undefined;
    },
    resume: async () => {
      child ??= await launch();
    },
  };
}

function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(
      readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0] ?? "",
      10,
    );
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function waitUntilAccepting(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`throwaway postgres exited with ${child.exitCode}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error("throwaway postgres did not start within 30 s");
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
