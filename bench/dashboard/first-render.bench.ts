// dashboard.first_render_ms: the NOC board with 10,000 components and ~500 active incidents
// (seeded into a fresh embedded PGlite), loaded in headless Chromium; from navigation to the
// board's own "rendered" marker (set after the first frame with data is painted). Each run is
// a fresh browser context (no HTTP cache, no warm JS heap). Median of the runs.
// Run: npm run bench -- dashboard
import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureWebBuilt } from "../../scripts/build-web.js";
import { systemClock } from "../../src/infra/clock.js";
import { loadConfig } from "../../src/infra/config.js";
import { createLogger } from "../../src/infra/logger.js";
import { startPlatform } from "../../src/platform/platform.js";
import { launchChromium } from "../../test/browser/browser.js";
import { seedBoardBench } from "./seed.js";

export interface BenchLine {
  bench: string;
  value: number;
  unit: string;
  [extra: string]: unknown;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function main(opts: { runs?: number } = {}): Promise<BenchLine[]> {
  const runs = opts.runs ?? Number(process.env.DASHBOARD_BENCH_RUNS ?? 7);
  await ensureWebBuilt();
  const dir = mkdtempSync(join(tmpdir(), "msp-bench-board-"));
  const config = loadConfig({
    PORT: "0",
    DATA_DIR: dir,
    LOG_LEVEL: "silent",
    ROLES: "api,collector,realtime",
  });
  const platform = await startPlatform(config, { log: createLogger("silent"), clock: systemClock });
  const browser = await launchChromium();
  try {
    const seeded = await seedBoardBench(platform.db.dataSource, {
      contracts: 1_000,
      componentsEach: 10,
      incidents: 500,
      now: new Date(),
    });
    const login = await fetch(`${platform.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(platform.bootstrapAdmin),
    });
    const { token } = (await login.json()) as { token: string };
    // The bootstrap password is one-time: a session with it may only change it.
    const admin = platform.bootstrapAdmin!;
    const changed = await fetch(`${platform.url}/api/v1/auth/password`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ currentPassword: admin.password, newPassword: `${admin.password}-b` }),
    });
    if (changed.status !== 204) throw new Error(`password change: ${changed.status}`);
    const apiMs: number[] = [];
    const renderMs: number[] = [];
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      await fetch(`${platform.url}/api/v1/noc/board`, {
        headers: { authorization: `Bearer ${token}` },
      });
      apiMs.push(performance.now() - started);
      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
      await context.addCookies([{ name: "msp_session", value: token, url: platform.url }]);
      const page = await context.newPage();
      await page.goto(`${platform.url}/#/board`);
      await page.waitForSelector("body[data-board-ready]", { timeout: 30_000 });
      renderMs.push(Number(await page.evaluate(() => document.body.dataset.boardReady)));
      await context.close();
    }
    return [
      {
        bench: "dashboard.first_render_ms",
        value: Math.round(median(renderMs)),
        unit: "ms",
        goal: 1000,
        runs,
        runsMs: renderMs.map(Math.round),
        boardApiMedianMs: Math.round(median(apiMs)),
        components: seeded.components,
        activeIncidents: seeded.incidents,
        db: platform.db.kind,
      },
    ];
  } finally {
    await browser.close();
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
