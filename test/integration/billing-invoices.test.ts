import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDeps } from "../../src/billing/close/close.store.js";
import { runMonthlyClose } from "../../src/billing/close/run-close.js";
import { noUsage } from "../../src/billing/close/usage-source.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";

const NASTY = `<script>alert("x")</script> & Co`;
const vms = (n: number) => Array.from({ length: n }, (_, i) => `vm-${i + 1}`);

describe("invoice access, export and payments", () => {
  let app: TestApp;
  let customer: string;
  let noc: string;
  const inv = {} as Record<"own" | "other", { id: string; contractId: string }>;
  const close = (month: string, now: string) =>
    runMonthlyClose({
      deps: closeDeps(app.platform.db.dataSource, noUsage),
      month,
      now: new Date(now),
    });
  const adminAt = async (iso: string) => {
    app.clock.set(new Date(iso));
    const { email, password } = app.platform.bootstrapAdmin!;
    return (await app.api("post", "/auth/login", { token: null, body: { email, password } })).body
      .token as string;
  };

  beforeAll(async () => {
    app = await startTestApp({
      env: { SELLER_NAME: "Example MSP 株式会社", SELLER_REGISTRATION_NUMBER: "T1234567890123" },
    });
    const own = (await makeContract(app.api, { startDate: "2026-04-15", components: vms(8) }))
      .contract.id;
    const other = (await makeContract(app.api, { startDate: "2026-04-15" })).contract.id;
    const fee = await app.api("post", `/contracts/${other}/service-fees`, {
      body: { name: "<b>disk</b>", monthlyYen: 1_000, fromMonth: "2026-04" },
    });
    expect(fee.status).toBe(201);
    // No API renames a contract yet: store a hostile name directly to prove the escaping.
    await app.platform.db.dataSource.query(
      `UPDATE contracts SET customer_name = $1 WHERE id = $2`,
      [NASTY, own],
    );
    customer = (await makeUser(app.api, "customer", own)).token;
    noc = (await makeUser(app.api, "noc")).token;
    await close("2026-11", "2026-12-01T00:05:00+09:00");
    const list = await app.api("get", "/invoices?month=2026-11", { token: noc });
    for (const i of list.body.items) inv[i.contractId === own ? "own" : "other"] = i;
  });
  afterAll(() => app?.stop());

  it("shows a customer its own invoices only", async () => {
    const mine = await app.api("get", "/invoices", { token: customer });
    expect(mine.body.items.map((i: { id: string }) => i.id)).toEqual([inv.own.id]);
    expect(
      (await app.api("get", `/invoices?contractId=${inv.other.contractId}`, { token: customer }))
        .status,
    ).toBe(404);
    for (const path of ["", ".csv", ".html", "/payments"]) {
      expect(
        (await app.api("get", `/invoices/${inv.other.id}${path}`, { token: customer })).status,
        path,
      ).toBe(404);
      expect(
        (await app.api("get", `/invoices/${inv.own.id}${path}`, { token: customer })).status,
        path,
      ).toBe(200);
    }
    const own = await app.api("get", `/invoices/${inv.own.id}`, { token: customer });
    expect(own.body).toMatchObject({
      month: "2026-11",
      revision: 1,
      dueDate: "2026-12-31",
      totalYen: 98_560,
      customerName: NASTY,
    });
    expect(own.body.scenario).toBeUndefined();
    expect(
      (await app.api("get", `/invoices/${inv.own.id}`, { token: noc })).body.scenario.components,
    ).toHaveLength(8);
    expect(
      (await app.api("get", "/invoices?month=2026-13", { token: noc })).body.issues[0].path,
    ).toBe("query.month");
    const pay = { paidDate: "2026-11-20", amountYen: 1 };
    expect(
      (await app.api("post", `/invoices/${inv.own.id}/payments`, { token: customer, body: pay }))
        .status,
    ).toBe(403);
  });

  it("exports CSV with every line and the totals", async () => {
    const res = await app.api("get", `/invoices/${inv.own.id}.csv`, { token: customer });
    expect(res.headers.get("content-type")).toContain("text/csv");
    const rows = (res.body as string)
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(rows[0]).toBe(
      "invoice_id,contract_id,customer_name,month,revision,line,code,description,quantity,unit_yen,amount_yen,taxable",
    );
    expect(rows[1]).toContain(
      `,"<script>alert(""x"")</script> & Co",2026-11,1,1,base,Monthly base fee (standard),1,20000,20000,true`,
    );
    expect(rows.slice(-3).map((r) => r.split(",").slice(-6).join(","))).toEqual([
      "subtotal,Taxable subtotal (10 %),,,89600,",
      "tax,Consumption tax (10 %),,,8960,",
      "total,Total,,,98560,",
    ]);
  });

  it("prints an HTML invoice in Japanese and English with everything escaped", async () => {
    const ja = (await app.api("get", `/invoices/${inv.own.id}.html`, { token: customer }))
      .body as string;
    for (const text of [
      "請求書",
      "Example MSP 株式会社",
      "登録番号: T1234567890123",
      "2026年11月",
      "10%対象 小計",
      "¥89,600",
      "消費税（10%）",
      "¥8,960",
      "¥98,560",
      "2026-12-01",
      "コンポーネント料金",
    ]) {
      expect(ja, text).toContain(text);
    }
    expect(ja).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co 御中");
    expect(ja).not.toContain("<script>");
    const en = await app.api("get", `/invoices/${inv.own.id}.html?lang=en`, { token: customer });
    expect(en.headers.get("content-type")).toContain("text/html");
    for (const text of [
      "Invoice",
      "November 2026",
      "Registration number: T1234567890123",
      "Total due (tax included)",
      "¥98,560",
    ])
      expect(en.body, text).toContain(text);
    const other = (await app.api("get", `/invoices/${inv.other.id}.html?lang=en`)).body as string;
    expect(other).toContain("Service fee: &lt;b&gt;disk&lt;/b&gt;");
    expect((await app.api("get", `/invoices/${inv.own.id}.html?lang=fr`)).body.issues[0].path).toBe(
      "query.lang",
    );
  });

  it("bills late-payment interest from recorded payments, once", async () => {
    const token = await adminAt("2027-02-20T10:00:00+09:00");
    const pay = (id: string, paidDate: string, amountYen: number, as = token) =>
      app.api("post", `/invoices/${id}/payments`, { token: as, body: { paidDate, amountYen } });
    expect((await pay(inv.own.id, "2027-02-15", 98_560)).status).toBe(201);
    expect((await pay(inv.other.id, "2026-12-20", 20_000)).status).toBe(201); // on time: no interest
    expect((await pay(inv.other.id, "2027-02-15", 13_000)).status).toBe(201);
    expect((await pay(inv.own.id, "2027-02-21", 1)).body.issues).toEqual([
      { path: "paidDate", message: "is in the future" },
    ]);
    expect((await pay(inv.own.id, "2027-02-01", 0)).body.issues[0].path).toBe("amountYen");
    await close("2027-02", "2027-03-01T00:05:00+09:00");
    const feb = (await app.api("get", `/invoices?month=2027-02`, { token })).body.items;
    const lines = async (i: { id: string }) =>
      (await app.api("get", `/invoices/${i.id}`, { token })).body;
    const own = await lines(
      feb.find((i: { contractId: string }) => i.contractId === inv.own.contractId),
    );
    // 98,560 due 2026-12-31, paid 2027-02-15: 45 days at 14.5 % → 1,761, not taxed.
    expect(own.lines.at(-1)).toMatchObject({
      code: "late_interest",
      amountYen: 1_761,
      taxable: false,
    });
    expect([own.subtotalYen, own.taxYen, own.totalYen]).toEqual([89_600, 8_960, 100_321]);
    const other = await lines(
      feb.find((i: { contractId: string }) => i.contractId === inv.other.contractId),
    );
    // 33,000 due, 20,000 paid in time: interest on the 13,000 paid late only.
    expect(other.lines.at(-1)).toMatchObject({ code: "late_interest", amountYen: 232 });
    const csv = (await app.api("get", `/invoices/${own.id}.csv`, { token })).body as string;
    expect(csv).toContain("non_taxable,Non-taxable (late-payment interest),,,1761,");
    await close("2027-03", "2027-04-01T00:05:00+09:00");
    const mar = (await app.api("get", `/invoices?month=2027-03`, { token })).body.items;
    for (const i of mar)
      expect((await lines(i)).lines.some((l: { code: string }) => l.code === "late_interest")).toBe(
        false,
      );
  });
});
