import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The platform as a newcomer runs it: `npm start` → `tsx src/main.ts`, embedded PGlite.
const start = (env: Record<string, string>) =>
  spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });

const collect = (child: ChildProcess) => {
  const out = { stdout: "", stderr: "" };
  child.stdout!.on("data", (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out.stderr += d.toString()));
  return out;
};
const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((r) =>
    child.exitCode !== null ? r(child.exitCode) : child.once("exit", (c) => r(c)),
  );

/** Waits for `/readyz` to answer 200; throws if the process exits or 60 s pass. */
async function untilReady(child: ChildProcess, out: { stderr: string }, port: string) {
  const end = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${out.stderr}`);
    if (Date.now() > end) throw new Error(`not ready in 60 s: ${out.stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const login = (port: string, email: string, password: string) =>
  fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });

describe("the platform process on its embedded defaults", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "msp-e2e-"));
  const port = String(20000 + Math.floor(Math.random() * 20000));
  let first: ChildProcess;
  let out: { stdout: string; stderr: string };

  // Time to ready is a figure for `npm run bench`, not a test: here only a generous deadline.
  beforeAll(async () => {
    first = start({ DATA_DIR: dataDir, PORT: port });
    out = collect(first);
    await untilReady(first, out, port);
  }, 90_000);
  afterAll(() => {
    first?.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints the first admin's one-time password once", () => {
    expect(out.stdout).toMatch(/e-mail: +admin@msp\.local\n +password: +\S{20}/);
  });

  it("serves health, metrics and the OpenAPI document", async () => {
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain("http_request_duration_seconds_bucket");
    expect(metrics).toContain("process_cpu_seconds_total");
    const doc = await (await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`)).json();
    expect(doc.paths["/api/v1/contracts/{id}"].get.parameters[0]).toMatchObject({
      name: "id",
      in: "path",
    });
  });

  it("refuses a second process on the same data directory with a clear message", async () => {
    const second = start({ DATA_DIR: dataDir, PORT: String(Number(port) + 1) });
    const o = collect(second);
    expect(await exitOf(second)).toBe(75);
    expect(o.stderr).toContain(`data directory ${dataDir} is in use by another platform process`);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  });

  it("shuts down gracefully on SIGTERM and keeps its data", async () => {
    first.kill("SIGTERM");
    expect(await exitOf(first)).toBe(0);
    const [, password] = /e-mail: +admin@msp\.local\n +password: +(\S{20})/.exec(out.stdout)!;
    const again = start({ DATA_DIR: dataDir, PORT: port });
    const o = collect(again);
    try {
      await untilReady(again, o, port); // throws unless the restarted process came up
      // The first start's admin and password are still there: the data survived.
      expect((await login(port, "admin@msp.local", password!)).status).toBe(200);
      expect(o.stdout).not.toContain("one-time"); // the admin exists already: no new password
      expect(o.stdout).not.toContain("First start");
    } finally {
      again.kill("SIGTERM");
      await exitOf(again);
    }
  }, 60_000);
});

describe("boot with bad configuration", () => {
  it("stops with a message naming every bad variable", async () => {
    const child = start({ PORT: "-1", DATABASE_URL: "mysql://nope", ROLES: "api,dance" });
    const o = collect(child);
    expect(await exitOf(child)).toBe(78);
    for (const name of ["PORT", "DATABASE_URL", "ROLES"]) expect(o.stderr).toContain(name);
  });
});
