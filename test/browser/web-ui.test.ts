import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";
import { fireBreach, launchChromium, loginPage, screenshot } from "./browser.js";

// Issue 7 "What it must show": the NOC sees a breach become an incident live, acknowledges
// it and a second browser sees the change; a customer sees only its contract; the board
// works from the keyboard; Japanese and English.
describe("web UI", () => {
  let app: TestApp;
  let browser: Browser;
  const pages: Page[] = [];
  let a: Awaited<ReturnType<typeof makeContract>>;
  let b: Awaited<ReturnType<typeof makeContract>>;
  const creds = {} as Record<"noc" | "noc2" | "customerA", { email: string; password: string }>;
  const open = async (who: keyof typeof creds, hash?: string) => {
    const page = await loginPage(browser, app.url, creds[who], { hash });
    pages.push(page);
    return page;
  };
  const incidentIdOf = async (contractId: string, ruleName: string) =>
    (
      await app.platform.db.dataSource.query(
        `SELECT id FROM incidents WHERE contract_id = $1 AND rule_name = $2`,
        [contractId, ruleName],
      )
    )[0].id as string;
  const user = async (role: "noc" | "customer", contractId: string | null = null) => {
    const u = await makeUser(app.api, role, contractId);
    return { email: u.user.email, password: u.password };
  };

  beforeAll(async () => {
    // Real time: the browser drops a session cookie that expired by its own clock.
    app = await startTestApp({ now: new Date(), env: { ROLES: "api,collector,realtime" } });
    browser = await launchChromium();
    a = await makeContract(app.api, { plan: "standard", components: ["web-01", "db-01"] });
    b = await makeContract(app.api, { plan: "entry", components: ["other-01"] });
    await app.api("post", `/contracts/${a.contract.id}/runbooks`, {
      body: { kind: "incident", name: "main", content: "call the customer" },
    });
    creds.noc = await user("noc");
    creds.noc2 = await user("noc");
    creds.customerA = await user("customer", a.contract.id);
  });
  afterAll(async () => {
    for (const p of pages) await p.context().close();
    await browser?.close();
    await app?.stop();
  });

  it("serves the app from the platform itself, with its own scripts allowed by the CSP", async () => {
    const res = await fetch(`${app.url}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect((await fetch(`${app.url}${script}`)).status).toBe(200);
    expect((await fetch(`${app.url}/assets/missing.js`)).status).toBe(404);
  });

  it("shows a breach as a new incident on the NOC board without reload; an acknowledgement reaches a second browser", async () => {
    const board = await open("noc");
    await board.getByTestId("board").waitFor();
    await board.evaluate(
      () => ((window as unknown as { sameDocument: boolean }).sameDocument = true),
    );
    const watcher = await open("noc2");
    await watcher.getByTestId("board").waitFor();
    await expect
      .poll(() => watcher.getByTestId("connection").getAttribute("class"))
      .toContain("on");
    await expect.poll(() => board.getByTestId("connection").getAttribute("class")).toContain("on");

    await fireBreach(
      app,
      { contractId: a.contract.id, componentId: a.components[0].id },
      "cpu high",
    );
    const row = board.locator('[data-testid="incident-list"] .vrow', { hasText: "cpu high" });
    await row.waitFor();
    await board.getByTestId("new-incident-cue").waitFor();
    expect(await row.textContent()).toContain("web-01");
    expect(
      await board.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
    ).toBe(true);
    await screenshot(board, "board");

    const watched = watcher.locator('[data-testid="incident-list"] .vrow', { hasText: "cpu high" });
    await watched.locator(".state-open").waitFor();
    await row.focus();
    await board.keyboard.press("Enter");
    await board.locator('[data-testid="incident-page"][data-state="open"]').waitFor();
    await board.click('button[data-action="acknowledge"]');
    await board.locator('[data-testid="incident-page"][data-state="acknowledged"]').waitFor();
    await screenshot(board, "incident");
    await watched.locator(".state-acknowledged").waitFor();
    const id = await incidentIdOf(a.contract.id, "cpu high");
    const stored = await app.api("get", `/incidents/${id}`);
    expect(stored.body.state).toBe("acknowledged");
  });

  it("shows a customer only its own contract and refuses another contract's incident URL", async () => {
    await fireBreach(
      app,
      { contractId: a.contract.id, componentId: a.components[1].id },
      "disk full",
    );
    await fireBreach(
      app,
      { contractId: b.contract.id, componentId: b.components[0].id },
      "secret rule",
    );
    const portal = await open("customerA");
    await portal.getByTestId("portal").waitFor();
    const text = (await portal.getByTestId("portal").textContent()) ?? "";
    expect(text).toContain(a.contract.customerName);
    expect(text).toContain("disk full");
    expect(text).not.toContain(b.contract.customerName);
    expect(text).not.toContain("secret rule");
    expect(text).not.toContain("other-01");
    await screenshot(portal, "portal");

    await portal.goto(`${app.url}/#/incidents/${await incidentIdOf(b.contract.id, "secret rule")}`);
    await portal.getByTestId("error").waitFor();
    expect(await portal.getByTestId("error").textContent()).toBe("見つかりません。");
    expect(await portal.content()).not.toContain("secret rule");

    // Its own incident: the customer may acknowledge, nothing else.
    await portal.goto(`${app.url}/#/incidents/${await incidentIdOf(a.contract.id, "disk full")}`);
    await portal.getByTestId("incident-page").waitFor();
    const actions = await portal
      .locator("button[data-action]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-action")));
    expect(actions).toEqual(["acknowledge"]);
  });

  it("moves through the board with j/k and the arrows, with visible focus, and opens with Enter", async () => {
    for (const rule of ["k1", "k2", "k3"])
      await fireBreach(app, { contractId: a.contract.id, componentId: a.components[0].id }, rule);
    const board = await open("noc");
    const rows = board.locator('[data-testid="incident-list"] .vrow');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(4);
    await rows.first().focus();
    const active = () => board.evaluate(() => document.activeElement?.getAttribute("data-index"));
    await board.keyboard.press("j");
    expect(await active()).toBe("1");
    await board.keyboard.press("ArrowDown");
    expect(await active()).toBe("2");
    await board.keyboard.press("k");
    expect(await active()).toBe("1");
    await board.keyboard.press("ArrowUp");
    expect(await active()).toBe("0");
    await board.keyboard.press("End");
    expect(Number(await active())).toBe((await rows.count()) - 1);
    const outline = await board.evaluate(
      () => getComputedStyle(document.activeElement!).outlineStyle,
    );
    expect(outline).toBe("solid");
    const key = await board.evaluate(() => document.activeElement?.getAttribute("data-key"));
    await board.keyboard.press("Enter");
    await board.getByTestId("incident-page").waitFor();
    expect(await board.evaluate(() => location.hash)).toBe(`#/incidents/${key}`);
  });

  it("speaks Japanese by the account's language and English after the switch", async () => {
    const page = await open("noc");
    await page.getByTestId("board").waitFor();
    expect(await page.locator("header.top").textContent()).toContain("ログアウト");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("ja");
    await page.getByTestId("language").selectOption("en");
    expect(await page.locator("header.top").textContent()).toContain("Log out");
    expect(await page.locator("main h2").first().textContent()).toContain("Live incidents");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    await page.reload();
    await page.getByTestId("board").waitFor();
    expect(await page.locator("header.top").textContent()).toContain("Log out"); // remembered
  });
});
