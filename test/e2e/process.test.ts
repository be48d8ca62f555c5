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

describe("the platform process on its embedded defaults", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "msp-e2e-"));
  const port = String(20000 + Math.floor(Math.random() * 20000));
  let first: ChildProcess;
  let out: { stdout: string; stderr: string };
  let readyAfterMs = 0;

  beforeAll(async () => {
    const t0 = Date.now();
    first = start({ DATA_DIR: dataDir, PORT: port });
    out = collect(first);
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (first.exitCode !== null) throw new Error(`exited: ${out.stderr}`);
      if (Date.now() - t0 > 60_000) throw new Error("not ready in 60 s");
      await new Promise((r) => setTimeout(r, 200));
    }
    readyAfterMs = Date.now() - t0;
  }, 90_000);
  afterAll(() => {
    first?.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers /readyz within 20 s of a fresh start, initdb included", () => {
    expect(readyAfterMs).toBeLessThan(20_000);
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
    const again = start({ DATA_DIR: dataDir, PORT: port });
    const o = collect(again);
    try {
      for (let i = 0; i < 100; i++) {
        if (
          await fetch(`http://127.0.0.1:${port}/readyz`).then(
            (r) => r.ok,
            () => false,
          )
        )
          break;
        await new Promise((r) => setTimeout(r, 200));
      }
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
