import "reflect-metadata";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../src/platform/clock.js";
import { loadConfig } from "../../src/platform/config.js";
import { createLogger } from "../../src/platform/logger.js";
import { startPlatform } from "../../src/platform/platform.js";
import { launchChromium } from "../../test/browser/browser.js";
import { seedBoardBench } from "./seed.js";
const dir = mkdtempSync(join(tmpdir(), "diag-"));
const platform = await startPlatform(loadConfig({ PORT: "0", DATA_DIR: dir, LOG_LEVEL: "silent", ROLES: process.env.R ?? "api,collector,realtime" }), { log: createLogger("silent"), clock: systemClock });
await seedBoardBench(platform.db.dataSource, { contracts: 1000, componentsEach: 10, incidents: 500, now: new Date() });
const { token } = await (await fetch(`${platform.url}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(platform.bootstrapAdmin) })).json() as any;
for (let i = 0; i < 4; i++) { const t = performance.now(); await (await fetch(`${platform.url}/api/v1/noc/board`, { headers: { authorization: `Bearer ${token}` } })).text(); console.log("api", Math.round(performance.now() - t)); }
for (let i = 0; i < 4; i++) { const t = performance.now(); await (await fetch(`${platform.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } })).text(); console.log("me", Math.round(performance.now() - t)); }
const browser = await launchChromium();
for (let run = 0; run < 3; run++) {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  await context.addCookies([{ name: "msp_session", value: token, url: platform.url }]);
  const page = await context.newPage();
  await page.goto(`${platform.url}/#/board`);
  await page.waitForSelector("body[data-board-ready]");
  const r = await page.evaluate(() => ({ ready: document.body.dataset.boardReady, res: performance.getEntriesByType("resource").map((e: any) => [e.name.replace(location.origin, "").slice(0, 40), Math.round(e.startTime), Math.round(e.responseEnd)]), nav: (performance.getEntriesByType("navigation")[0] as any).responseEnd }));
  console.log(JSON.stringify(r));
  await context.close();
}
await browser.close(); await platform.stop();
