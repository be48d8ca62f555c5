// Playwright-core driving Debian's Chromium (installed by .ci/run); never a downloaded browser.
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import type { Alert } from "../../src/incidents/alerts.js";
import type { TestApp } from "../support/app.js";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const SCREENSHOTS = "test-results/screenshots";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** A fresh browser context (its own cookies) logged in through the login form. */
export async function loginPage(
  browser: Browser,
  baseUrl: string,
  who: { email: string; password: string },
  opts: { hash?: string; locale?: string } = {},
): Promise<Page> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    locale: opts.locale ?? "ja-JP",
    viewport: { width: 1600, height: 1000 },
  });
  const page = await context.newPage();
  await page.goto(`/${opts.hash ?? ""}`);
  await page.fill('input[name="email"]', who.email);
  await page.fill('input[name="password"]', who.password);
  await page.click('button[type="submit"]');
  await page.locator("header.top").waitFor();
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/** The rule engine's hand-off, as a breach of `cpu_usage > 90` on the component would make. */
export async function fireBreach(
  app: TestApp,
  target: { contractId: string; componentId: string },
  ruleName = "cpu high",
): Promise<void> {
  // One rule (and so one incident: grouping is per rule) per rule name.
  const h = createHash("sha1").update(ruleName).digest("hex");
  const alert: Alert = {
    ...target,
    ruleId: `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`,
    labelsKey: `test=${ruleName}`,
    ruleName,
    ruleKind: "threshold",
    severity: "critical",
    metric: "cpu_usage",
    labels: {},
    value: 97,
    threshold: 90,
    atMs: app.clock.now().getTime(),
  };
  app.platform.incidents.fire(alert);
  await app.platform.incidents.whenIdle();
}
