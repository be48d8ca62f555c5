import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../support/app.js";

// `npm run demo` as a newcomer runs it (its entry point, on a temp data dir and a free-ish
// port): the printed credentials work, all four plans exist, agents push, and (the demo
// shortens its rules' `for` through the rule API) incidents open and mail lands in the mailbox.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(500);
  }
}
/** Processes whose command line mentions `needle` (the demo and its bundled agent). */
const processesWith = (needle: string) =>
  readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(needle);
      } catch {
        return false; // exited meanwhile
      }
    });

describe("npm run demo", () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), "msp-demo-e2e-")), "data-demo");
  const port = 20000 + Math.floor(Math.random() * 20000);
  let demo: ChildProcess;
  let stdout = "";
  let stderr = "";
  let admin: ApiClient;
  let login: (email: string, password: string) => Promise<ApiClient>;
  let served: Set<string>;

  beforeAll(async () => {
    demo = spawn(process.execPath, ["--import", "tsx", "src/demo/main.ts"], {
      env: { ...process.env, PORT: String(port), DEMO_DATA_DIR: dataDir, DEMO_INTERVAL_S: "2" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    demo.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    demo.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    // A fresh PGlite (initdb + migrations) takes ~10 s idle, several times that under load.
    await until("the demo banner", 90_000, () => {
      if (demo.exitCode !== null) throw new Error(`demo exited: ${stderr}`);
      return Promise.resolve(stdout.includes("Ctrl-C stops") ? true : undefined);
    });
    const base = `http://127.0.0.1:${port}/api/v1`;
    login = async (email, password) => {
      const res = await apiClient(base, () => null)("post", "/auth/login", {
        body: { email, password },
      });
      expect(res.status, `${email}: ${JSON.stringify(res.body)}`).toBe(200);
      return apiClient(base, () => res.body.token);
    };
    const [, email, password] = /^ +admin +(\S+) +(\S+)$/m.exec(stdout)!;
    admin = await login(email!, password!);
    const doc = (await admin("get", "/openapi.json")).body;
    served = new Set(
      Object.entries(doc.paths as Record<string, object>).flatMap(([p, ops]) =>
        Object.keys(ops).map((m) => `${m} ${p}`),
      ),
    );
  }, 110_000);

  afterAll(() => {
    if (demo?.exitCode === null) demo.kill("SIGKILL");
    rmSync(join(dataDir, ".."), { recursive: true, force: true });
  });

  it("creates contracts of all four plans, one Standard without an incident runbook", async () => {
    const contracts = (await admin("get", "/contracts?status=active")).body.items;
    expect(new Set(contracts.map((c: any) => c.plan))).toEqual(
      new Set(["entry", "standard", "advanced", "premium"]),
    );
    const runbooks = await Promise.all(
      contracts.map(async (c: any) => ({
        plan: c.plan,
        kinds: (await admin("get", `/contracts/${c.id}/runbooks`)).body.map((r: any) => r.kind),
      })),
    );
    const standard = runbooks.filter((r) => r.plan === "standard");
    expect(standard.map((r) => r.kinds.includes("incident")).sort()).toEqual([false, true]);
    expect(runbooks.find((r) => r.plan === "premium")!.kinds.sort()).toEqual(["incident", "ops"]);
  });

  it("prints credentials that log in, a customer seeing only its own contract", async () => {
    for (const role of ["noc", "oncall1", "oncall2"]) {
      const [, pw] = new RegExp(`${role}@msp\\.local +(\\S+)$`, "m").exec(stdout)!;
      await login(`${role}@msp.local`, pw!);
    }
    const [, pw] = /user@kaede\.example\.jp +(\S+)$/m.exec(stdout)!;
    const customer = await login("user@kaede.example.jp", pw!);
    const mine = (await customer("get", "/contracts")).body.items;
    expect(mine.map((c: any) => c.plan)).toEqual(["standard"]);
    const others = (await admin("get", "/contracts?plan=premium")).body.items;
    expect((await customer("get", `/contracts/${others[0].id}`)).status).toBe(404);
  });

  it("has every simulated VM and the bundled agent pushing series", async () => {
    const contracts = (await admin("get", "/contracts")).body.items;
    const components = (
      await Promise.all(
        contracts.map(
          async (c: any) => (await admin("get", `/contracts/${c.id}/components`)).body.items,
        ),
      )
    ).flat();
    expect(components.length).toBeGreaterThanOrEqual(12);
    for (const c of components) {
      await until(`series of ${c.name}`, 25_000, async () => {
        const keys = (await admin("get", `/components/${c.id}/series`)).body.map((s: any) => s.key);
        return keys.some((k: string) => k.startsWith("node_memory_MemAvailable_bytes"))
          ? true
          : undefined;
      });
    }
    expect(stderr).not.toContain("push failed");
  }, 40_000);

  it("opens an incident and mails its contacts within 30 s", async () => {
    // A renamed route must fail here, not turn the check into a skip.
    expect([...served], "the demo shortens `for` through the rules API").toContain(
      "post /api/v1/rules",
    );
    expect([...served], "the demo's mail lands in the mailbox API").toContain(
      "get /api/v1/mailbox",
    );
    const incident = await until("an incident", 30_000, async () => {
      const items = (await admin("get", "/incidents?state=active")).body.items;
      return items?.length ? items[0] : undefined;
    });
    expect(incident.customerName).toBeTruthy();
    await until("a mailbox message", 15_000, async () => {
      const res = await admin("get", "/mailbox");
      return (res.body.items ?? res.body).length > 0 ? true : undefined;
    });
  }, 50_000);

  it("stops agents and platform cleanly on Ctrl-C", async () => {
    demo.kill("SIGINT");
    const code = await new Promise<number | null>((r) =>
      demo.exitCode !== null ? r(demo.exitCode) : demo.once("exit", (c) => r(c)),
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("Stopping agents and platform");
    expect(processesWith(dataDir)).toEqual([]); // the bundled agent went with it
    expect((await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status).toBe(
      undefined,
    );
  }, 20_000);
});
