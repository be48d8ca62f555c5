import { describe, expect, it } from "vitest";
import { specScenarioJson } from "../../domain/billing/scenario.fixtures.js";
import type { CliContext, CliIo } from "../command.js";
import { billingPreviewCommand } from "./billing-preview.js";

function fakeIo(files: Record<string, string>) {
  const out = { stdout: "", stderr: "" };
  const io: CliIo = {
    stdout: (text) => void (out.stdout += text),
    stderr: (text) => void (out.stderr += text),
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) {
        return Promise.reject(new Error(`ENOENT: no such file or directory, open '${path}'`));
      }
      return Promise.resolve(text);
    },
  };
  return { io, out };
}

const ctx: CliContext = { now: () => new Date("2026-12-01T00:00:00Z") };
const run = async (args: string[], files: Record<string, string> = {}) => {
  const { io, out } = fakeIo(files);
  const code = await billingPreviewCommand.run(args, io, ctx);
  return { code, ...out };
};
const scenarioFile = { "scenario.json": JSON.stringify(specScenarioJson()) };

describe("billing preview", () => {
  it("is the `billing preview` command and needs no database", () => {
    expect(billingPreviewCommand.path).toEqual(["billing", "preview"]);
    expect(billingPreviewCommand.needsDatabase).toBe(false);
  });

  it.each([[["--file", "scenario.json"]], [["--file=scenario.json"]]])(
    "prints the invoice as pretty JSON for %j",
    async (args) => {
      const { code, stdout, stderr } = await run(args, scenarioFile);
      expect(code).toBe(0);
      expect(stderr).toBe("");
      expect(stdout.startsWith('{\n  "month": "2026-11",\n  "currency": "JPY",')).toBe(true);
      expect(stdout.endsWith("\n")).toBe(true);
      // 20,000 + 9,000 + storage 30,000 − floor(29,000 × 2 ÷ 30)
      expect(JSON.parse(stdout)).toMatchObject({
        subtotalYen: 57_067,
        taxYen: 5_706,
        totalYen: 62_773,
      });
    },
  );

  it("reads stdin for --file -", async () => {
    const { code } = await run(["--file", "-"], { "/dev/stdin": scenarioFile["scenario.json"] });
    expect(code).toBe(0);
  });

  it("lists every problem as `path: message` on stderr and exits 1", async () => {
    const bad = specScenarioJson();
    bad.contract.plan = "gold";
    bad.outages[0].restoredAt = "2026-11-01T00:00:00+09:00";
    const { code, stdout, stderr } = await run(["--file", "bad.json"], {
      "bad.json": JSON.stringify(bad),
    });
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trimEnd().split("\n")).toEqual([
      'contract.plan: Invalid option: expected one of "entry"|"standard"|"advanced"|"premium"',
      "outages[0].restoredAt: is before knownAt",
    ]);
  });

  it("exits 2 with a clear message for an unreadable file", async () => {
    const { code, stdout, stderr } = await run(["--file", "missing.json"]);
    expect([code, stdout]).toEqual([2, ""]);
    expect(stderr).toContain("cannot read missing.json: ENOENT");
  });

  it("exits 2 for invalid JSON", async () => {
    const { code, stdout, stderr } = await run(["--file", "x.json"], { "x.json": "{ not json" });
    expect([code, stdout]).toEqual([2, ""]);
    expect(stderr).toMatch(/^x\.json is not valid JSON: /);
  });

  it.each([[[]], [["--file"]], [["scenario.json"]], [["--file", "a.json", "--verbose"]]])(
    "exits 2 with usage for %j",
    async (args) => {
      const { code, stdout, stderr } = await run(args, scenarioFile);
      expect([code, stdout]).toEqual([2, ""]);
      expect(stderr).toContain("usage: billing preview --file <scenario.json>");
    },
  );

  it("prints usage on --help", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("usage: billing preview");
  });
});
