import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { launchChromium, screenshot } from "./browser.js";

// A user created without a password logs in with the one-time password the admin was
// shown: the web UI asks for their own password first, then opens the application.
describe("web UI: one-time password", () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date(), env: { ROLES: "api,collector,realtime" } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("asks for a new password after a one-time login, then opens the board", async () => {
    const created = await app.api("post", "/users", {
      body: { email: "first-login@example.jp", displayName: "First", role: "noc", language: "en" },
    });
    expect(created.status).toBe(201);
    const context = await browser.newContext({ baseURL: app.url, locale: "en-US" });
    try {
      const page = await context.newPage();
      await page.goto("/");
      await page.fill('input[name="email"]', "first-login@example.jp");
      await page.fill('input[name="password"]', created.body.oneTimePassword);
      await page.click('button[type="submit"]');
      await page.locator('input[name="newPassword"]').waitFor();
      await screenshot(page, "one-time-password");
      await page.fill('input[name="newPassword"]', "my-own-long-password");
      await page.click('button[type="submit"]');
      await page.locator("header.top").waitFor();
      const login = await app.api("post", "/auth/login", {
        token: null,
        body: { email: "first-login@example.jp", password: "my-own-long-password" },
      });
      expect(login.body.mustChangePassword).toBe(false);
    } finally {
      await context.close();
    }
  });

  it("a reload before the change logs out instead of showing a broken board", async () => {
    const created = await app.api("post", "/users", {
      body: { email: "reload@example.jp", displayName: "Reload", role: "noc", language: "en" },
    });
    const context = await browser.newContext({ baseURL: app.url, locale: "en-US" });
    try {
      const page = await context.newPage();
      await page.goto("/");
      await page.fill('input[name="email"]', "reload@example.jp");
      await page.fill('input[name="password"]', created.body.oneTimePassword);
      await page.click('button[type="submit"]');
      await page.locator('input[name="newPassword"]').waitFor();
      await page.reload();
      await page.locator('input[name="email"]').waitFor();
      expect(await page.locator("header.top").count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
