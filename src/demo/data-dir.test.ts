import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireDataDirLock, DataDirLockedError } from "../db/data-dir-lock.js";
import { DEMO_MARKER, DemoDataDirError, resetDemoDataDir } from "./data-dir.js";

describe(resetDemoDataDir.name, () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), "msp-demo-dir-"));
    dirs.push(d);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("creates a missing directory and marks it as the demo's", () => {
    const dir = join(fresh(), "data-demo");
    resetDemoDataDir(dir);
    expect(readdirSync(dir)).toEqual([DEMO_MARKER]);
  });

  it("wipes a previous demo's directory", () => {
    const dir = fresh();
    resetDemoDataDir(dir);
    writeFileSync(join(dir, "old-state"), "x");
    resetDemoDataDir(dir);
    expect(readdirSync(dir)).toEqual([DEMO_MARKER]);
  });

  it("refuses to delete a directory the demo did not create", () => {
    const dir = fresh();
    writeFileSync(join(dir, "precious"), "x");
    expect(() => resetDemoDataDir(dir)).toThrow(DemoDataDirError);
    expect(existsSync(join(dir, "precious"))).toBe(true);
  });

  it("refuses a demo directory that a running platform holds", () => {
    const dir = fresh();
    resetDemoDataDir(dir);
    writeFileSync(join(dir, "platform.lock"), String(process.ppid)); // a live process
    expect(() => resetDemoDataDir(dir)).toThrow(DataDirLockedError);
    expect(existsSync(join(dir, DEMO_MARKER))).toBe(true);
  });

  it("takes over the stale lock of a crashed demo", () => {
    const dir = fresh();
    resetDemoDataDir(dir);
    acquireDataDirLock(dir); // never released: as after a crash (our pid, though)
    writeFileSync(join(dir, "platform.lock"), "999999999");
    resetDemoDataDir(dir);
    expect(readdirSync(dir)).toEqual([DEMO_MARKER]);
  });
});
