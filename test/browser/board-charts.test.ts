import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postRemoteWrite } from "../../src/ingest/test-helpers.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";
import { fireBreach, launchChromium, loginPage, screenshot } from "./browser.js";

// Issue 14 "What it must show" (web half): a board a NOC can watch all day (headers,
// labelled counts, click and keyboard from page load, large type at 1440 px, title count)
// and honest charts (no stray segment, JST 24-hour axis, SI y labels that fit, a series
// picker, the threshold drawn); screenshots of the board, an incident, a component and the
// portal in both languages.
interface PlotProbe {
  xs: number[];
  ys: (number | null)[];
  series: number;
  xTicks: string[];
  xSplits: number[];
  yTicks: string[];
  ySize: number;
  yWidest: number;
  threshold: (number | null)[] | null;
}

describe("web UI: board and charts (issue 14)", () => {
  let app: TestApp;
  let browser: Browser;
  const pages: Page[] = [];
  let a: Awaited<ReturnType<typeof makeContract>>;
  let token: string;
  const creds = {} as Record<"noc" | "customer", { email: string; password: string }>;
  const STEP_MS = 15_000;
  const POINTS = 40;

  const open = async (who: keyof typeof creds, hash?: string, viewport?: [number, number]) => {
    const page = await loginPage(browser, app.url, creds[who], { hash });
    if (viewport) await page.setViewportSize({ width: viewport[0], height: viewport[1] });
    pages.push(page);
    return page;
  };
  const push = async (
    series: { labels: Record<string, string>; samples: [number, number][] }[],
  ) => {
    const res = await postRemoteWrite(app.url, token, series);
    expect(res.status).toBe(200);
  };
  /** What the chart's uPlot instance plots and prints on its axes. */
  const probe = (page: Page, selector: string) =>
    page.evaluate((sel) => {
      type Axis = { _values: string[] | null; _splits: number[] | null; _size: number };
      const el = document.querySelector(sel) as
        | (HTMLElement & {
            uplot?: { data: (number | null)[][]; axes: Axis[]; series: unknown[] };
          })
        | undefined;
      const u = el?.uplot;
      if (!u || !u.axes[0]!._values) return null;
      const ctx = document.createElement("canvas").getContext("2d")!;
      ctx.font = "12px system-ui, sans-serif";
      const yTicks = (u.axes[1]!._values ?? []).map(String);
      return {
        xs: u.data[0] as number[],
        ys: u.data[1]!,
        series: u.series.length,
        xTicks: u.axes[0]!._values.map(String),
        xSplits: u.axes[0]!._splits ?? [],
        yTicks,
        ySize: u.axes[1]!._size,
        yWidest: Math.max(...yTicks.map((v) => ctx.measureText(v).width)),
        threshold: u.data[2] ?? null,
      } satisfies PlotProbe;
    }, selector);

  beforeAll(async () => {
    app = await startTestApp({ now: new Date(), env: { ROLES: "api,collector,realtime" } });
    browser = await launchChromium();
    a = await makeContract(app.api, { plan: "standard", components: ["web-01"] });
    const id = a.components[0].id;
    token = (await app.api("post", `/components/${id}/agent-token`)).body.token;
    const now = app.clock.now().getTime();
    const ts = Array.from({ length: POINTS }, (_, i) => now - (POINTS - i) * STEP_MS);
    const metric = (labels: Record<string, string>, f: (i: number) => number) => ({
      labels,
      samples: ts.map((t, i) => [t, f(i)] as [number, number]),
    });
    await push([
      // A node_exporter sorts many go_gc_* series before anything an operator needs.
      ...Array.from({ length: 10 }, (_, q) =>
        metric({ __name__: "go_gc_duration_seconds", quantile: `0.${q}` }, (i) => i / 1000),
      ),
      metric({ __name__: "node_memory_MemAvailable_bytes" }, (i) => 8_000_000_000 + i * 1e7),
      metric({ __name__: "node_memory_MemTotal_bytes" }, () => 16_000_000_000),
      metric({ __name__: "cpu_usage" }, (i) => (i % 2 ? 55 : 97)),
      metric({ __name__: "up" }, () => 1),
    ]);
    creds.noc = await (async () => {
      const u = await makeUser(app.api, "noc");
      return { email: u.user.email, password: u.password };
    })();
    const c = await makeUser(app.api, "customer", a.contract.id);
    creds.customer = { email: c.user.email, password: c.password };
    await fireBreach(app, { contractId: a.contract.id, componentId: id }, "cpu high");
  });
  afterAll(async () => {
    for (const p of pages) await p.context().close();
    await browser?.close();
    await app?.stop();
  });

  it("serves /favicon.ico", async () => {
    const res = await fetch(`${app.url}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("image/");
  });

  it("shows the board with column headers and labelled counts; j and Enter work from page load; the title counts unacknowledged incidents", async () => {
    const board = await open("noc");
    await board.getByTestId("board").waitFor();
    const headers = await board.getByTestId("incident-headers").locator(".cell").allTextContents();
    expect(headers).toEqual([
      "重要度",
      "経過",
      "契約者",
      "コンポーネント",
      "ルール",
      "状態",
      "対応区分",
      "フラグ",
    ]);
    expect(await board.getByTestId("contract-headers").textContent()).toContain("対応枠");
    const contract = board.locator('[data-testid="contract-list"] .vrow', {
      hasText: a.contract.customerName,
    });
    // Counts carry their meaning (not "1 0 0").
    expect(await contract.getByTestId("severity-counts").textContent()).toMatch(
      /重大 1.*警告 0.*情報 0/,
    );
    await expect.poll(() => board.title()).toMatch(/^\(1\) /);
    await screenshot(board, "board-ja");

    // Keyboard from page load: nobody clicked the list.
    const row = board.locator('[data-testid="incident-list"] .vrow').first();
    await row.waitFor();
    await expect
      .poll(() => board.evaluate(() => document.activeElement?.getAttribute("data-index")))
      .toBe("0");
    await board.keyboard.press("j"); // one row only: stays on it
    await board.keyboard.press("Enter");
    await board.getByTestId("incident-page").waitFor();
  });

  it("opens an incident with a single click and fits large type at 1440 px", async () => {
    const board = await open("noc", undefined, [1440, 900]);
    await board.getByTestId("board").waitFor();
    await board.getByTestId("language").selectOption("en");
    await board.getByLabel("Large type").check();
    const row = board.locator('[data-testid="incident-list"] .vrow').first();
    await row.waitFor();
    // Nothing is cut: every cell's content fits its column (tier and quota included).
    const clipped = await board.evaluate(() =>
      [...document.querySelectorAll(".vrow .cell.tier, .vrow .cell.quota, .vrow .cell.state")]
        .filter((c) => c.scrollWidth > c.clientWidth + 1)
        .map((c) => c.textContent),
    );
    expect(clipped).toEqual([]);
    const headers = await board.getByTestId("incident-headers").textContent();
    expect(headers).toContain("Tier");
    await screenshot(board, "board-en-large-1440");
    await board.getByLabel("Large type").uncheck();
    await row.click();
    await board.getByTestId("incident-page").waitFor();
    expect(await board.evaluate(() => location.hash)).toMatch(/^#\/incidents\//);
    await board.getByTestId("incident-chart").waitFor();
    await screenshot(board, "incident-en");
  });

  it("charts the incident's metric with the threshold, in order, on a JST axis; Japanese timeline", async () => {
    const page = await open("noc");
    await page.getByTestId("board").waitFor();
    await page.locator('[data-testid="incident-list"] .vrow').first().click();
    await page.getByTestId("incident-chart").waitFor();
    await expect.poll(() => probe(page, INCIDENT_CHART)).not.toBeNull();
    const p = (await probe(page, INCIDENT_CHART))!;
    expect(p.series).toBe(3); // x, the metric, the threshold
    expect(new Set(p.threshold)).toEqual(new Set([90]));
    expectHonest(p);
    expect(await page.getByTestId("timeline").textContent()).toContain("検知");
    expect(await page.getByTestId("timeline").textContent()).not.toMatch(/\bopened\b/);
    await screenshot(page, "incident-ja");
  });

  it("charts rule series first, finds others with the picker, and appends live points without a stray segment", async () => {
    const page = await open("noc", `#/components/${a.components[0].id}`);
    await page.getByTestId("component-page").waitFor();
    // The default selection starts with what the rules read, not 8 × go_gc_*.
    const ticked = await page
      .locator('[data-testid="series-picker"] input[type="checkbox"]:checked')
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-key")));
    expect(ticked.some((k) => k?.startsWith("node_memory_MemAvailable_bytes"))).toBe(true);
    expect(ticked.some((k) => k?.startsWith("up"))).toBe(true);
    expect(ticked.filter((k) => k?.startsWith("go_gc")).length).toBeLessThan(4);

    // The picker finds any series by name or label and charts it.
    await page.getByTestId("series-search").fill("go_gc quantile=0.9");
    const options = page.locator('[data-testid="series-picker"] li');
    await expect.poll(() => options.count()).toBe(1);
    await options.locator("input").check();
    await page.locator(`${chart("go_gc_duration_seconds {quantile=0.9}")}`).waitFor();
    await page.getByTestId("series-search").fill("cpu");
    await expect.poll(() => options.count()).toBe(1);
    await options.locator("input").check();
    const cpu = chart("cpu_usage");
    await expect.poll(() => probe(page, cpu)).not.toBeNull();

    // A live point arrives: the stream's first event repeats the last 10 minutes, which
    // must not be appended again (that drew the line back to the start).
    app.clock.advance(STEP_MS);
    const at = app.clock.now().getTime();
    await push([{ labels: { __name__: "cpu_usage" }, samples: [[at, 60]] }]);
    await expect.poll(async () => (await probe(page, cpu))?.xs.at(-1)).toBe(at / 1000);
    const p = (await probe(page, cpu))!;
    expectHonest(p);
    expect(p.xs.filter((x, i) => p.ys[i] !== null)).toHaveLength(POINTS + 1);

    // y labels in SI units that fit their axis.
    const mem = (await probe(page, chart("node_memory_MemAvailable_bytes")))!;
    expect(mem.yTicks.some((v) => /\d GB$/.test(v))).toBe(true);
    expect(mem.ySize).toBeGreaterThanOrEqual(mem.yWidest);
    await screenshot(page, "component-ja");
    await page.getByTestId("language").selectOption("en");
    await screenshot(page, "component-en");
  });

  it("lists the series the cap refused and why (GET /components/:id/refused-series)", async () => {
    const page = await open("noc");
    await page.getByTestId("board").waitFor();
    // The collector's answer, as the backend half of issue 14 defines it.
    await page.route("**/api/v1/components/*/refused-series", (route) =>
      route.fulfill({
        json: {
          componentId: a.components[0].id,
          cap: 200,
          activeSeries: 200,
          refused: [
            {
              metric: "go_gc_duration_seconds",
              reason: "cap_exceeded",
              series: 5,
              refusals: 120,
              firstRefusedAt: "2026-12-05T00:40:00.000Z",
              lastRefusedAt: "2026-12-05T00:45:00.000Z",
              exampleLabels: { __name__: "go_gc_duration_seconds", quantile: "0.5" },
            },
          ],
        },
      }),
    );
    await page.goto(`${app.url}/#/components/${a.components[0].id}`);
    const section = page.getByTestId("refused-series");
    await section.waitFor();
    const text = (await section.textContent()) ?? "";
    expect(text).toContain("go_gc_duration_seconds");
    expect(text).toContain("上限超過");
    expect(text).toContain("2026/12/05 09:45:00"); // JST
  });

  it("shows the customer its portal in both languages, with empty states and no internal fields", async () => {
    const portal = await open("customer");
    await portal.getByTestId("portal").waitFor();
    expect(await portal.getByTestId("no-invoices").textContent()).toBe(
      "発行済みの請求書はまだありません。",
    );
    await screenshot(portal, "portal-ja");
    await portal.getByTestId("language").selectOption("en");
    expect(await portal.getByTestId("no-invoices").textContent()).toBe("No invoice issued yet.");
    await screenshot(portal, "portal-en");
    await portal.locator('[data-testid="portal-incidents"] a').first().click();
    await portal.getByTestId("incident-page").waitFor();
    expect(await portal.getByTestId("escalation-level").count()).toBe(0);
    expect(await portal.getByTestId("incident-page").textContent()).not.toContain("Repeats");
  });
});

const INCIDENT_CHART = '[data-testid="incident-chart"]';
const chart = (title: string) => `[data-testid="series-chart"][aria-label="${title}"]`;

/** Points in strictly ascending time (no segment drawn back) and ticks on the JST clock. */
function expectHonest(p: PlotProbe): void {
  for (let i = 1; i < p.xs.length; i++) expect(p.xs[i]!).toBeGreaterThan(p.xs[i - 1]!);
  const jst = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Tokyo",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  expect(p.xTicks.length).toBeGreaterThan(1);
  p.xTicks.forEach((label, i) => {
    expect(label).toMatch(/^\d{2}:\d{2}/); // 24-hour, no am/pm
    expect(label.slice(0, 5)).toBe(jst.format(p.xSplits[i]! * 1000));
  });
}
