import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDeps } from "../../src/billing/close/close.store.js";
import { reviseInvoice } from "../../src/billing/close/revise-invoice.js";
import { runMonthlyClose } from "../../src/billing/close/run-close.js";
import { noUsage } from "../../src/billing/close/usage-source.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract } from "../support/factories.js";

const vms = (n: number) =>
  Array.from({ length: n }, (_, i) => `vm-${String(i + 1).padStart(2, "0")}`);
const jst = (wall: string) => `${wall}+09:00`;

describe("monthly close", () => {
  let app: TestApp;
  let deps: Parameters<typeof runMonthlyClose>[0]["deps"];
  const db = () => app.platform.db.dataSource;
  const ids = {} as Record<"plain" | "outage" | "open" | "credit" | "storage", string>;
  let openOutageId = "";
  const close = (month: string, nowIso: string, batchSize?: number) =>
    runMonthlyClose({ deps, month, now: new Date(nowIso), batchSize });
  const invoicesOf = async (contractId: string, month: string) =>
    db().query<any[]>(
      `SELECT * FROM invoices WHERE contract_id = $1 AND month = $2 ORDER BY revision`,
      [contractId, month],
    );
  const totals = (row: any) => [
    Number(row.subtotal_yen),
    Number(row.tax_yen),
    Number(row.total_yen),
  ];
  // Moving the injected clock by weeks expires the admin session: log in again at the new time.
  const adminAt = async (iso: string) => {
    app.clock.set(new Date(iso));
    const { email, password } = app.platform.bootstrapAdmin!;
    return (await app.api("post", "/auth/login", { token: null, body: { email, password } })).body
      .token as string;
  };

  beforeAll(async () => {
    app = await startTestApp();
    deps = closeDeps(app.platform.db.dataSource, noUsage);
    for (const key of ["plain", "outage", "open", "credit"] as const) {
      ids[key] = (
        await makeContract(app.api, { startDate: "2026-04-15", components: vms(8) })
      ).contract.id;
    }
    ids.storage = (
      await makeContract(app.api, { startDate: "2026-04-15", components: ["vm-01"] })
    ).contract.id;
    const token = await adminAt("2026-11-30T10:00:00+09:00"); // outages cannot be in the future
    const outage = (contractId: string, knownAt: string, restoredAt: string | null) =>
      app.api("post", `/contracts/${contractId}/outages`, {
        token,
        body: {
          scope: "managed",
          cause: "provider_fault",
          knownAt,
          restoredAt,
          description: "VM host failure",
        },
      });
    expect(
      (await outage(ids.outage, jst("2026-11-10T09:00:00"), jst("2026-11-13T08:00:00"))).status,
    ).toBe(201);
    const open = await outage(ids.open, jst("2026-11-29T12:00:00"), null);
    expect(open.status).toBe(201);
    openOutageId = open.body.id;
    // SPEC 7's example scenario, from stored rows: 1 component, storage 30,000, the 71 h outage.
    const fee = { name: "storage", monthlyYen: 30_000, fromMonth: "2026-04" };
    expect(
      (await app.api("post", `/contracts/${ids.storage}/service-fees`, { token, body: fee }))
        .status,
    ).toBe(201);
    expect(
      (await outage(ids.storage, jst("2026-11-10T09:00:00"), jst("2026-11-13T08:00:00"))).status,
    ).toBe(201);
    const credit = {
      damageDate: "2026-09-10",
      claimDate: "2026-09-25",
      amountYen: 50_000,
      description: "lost logs",
    };
    expect(
      (await app.api("post", `/contracts/${ids.credit}/liability-credits`, { token, body: credit }))
        .status,
    ).toBe(201);
  });
  afterAll(() => app?.stop());

  it("invoices stored contracts with the SPEC 6.6 amounts", async () => {
    const result = await close("2026-11", "2026-12-01T00:05:00+09:00");
    expect(result).toMatchObject({ month: "2026-11", issued: result.considered, failed: [] });
    expect(totals((await invoicesOf(ids.plain, "2026-11"))[0])).toEqual([89_600, 8_960, 98_560]);
    const [withOutage] = await invoicesOf(ids.outage, "2026-11");
    expect(totals(withOutage)).toEqual([83_627, 8_362, 91_989]);
    expect(withOutage.lines.at(-1)).toMatchObject({ code: "exemption_managed", amountYen: -5_973 });
    expect(withOutage).toMatchObject({ revision: 1, reason: null, tariff_version: "2026-01" });
    const [credited] = await invoicesOf(ids.credit, "2026-11");
    expect(credited.lines.at(-1)).toMatchObject({ code: "liability_credit", amountYen: -50_000 });
    expect(totals(credited)).toEqual([39_600, 3_960, 43_560]);
    expect(totals((await invoicesOf(ids.storage, "2026-11"))[0])).toEqual([57_067, 5_706, 62_773]);
  });

  it("changes nothing when run again for a closed month", async () => {
    const before = await db().query(
      `SELECT id, created_at, total_yen FROM invoices WHERE month = '2026-11' ORDER BY id`,
    );
    const again = await close("2026-11", "2026-12-02T00:00:00+09:00");
    expect(again).toEqual({ month: "2026-11", considered: 0, issued: 0, failed: [] });
    expect(
      await db().query(
        `SELECT id, created_at, total_yen FROM invoices WHERE month = '2026-11' ORDER BY id`,
      ),
    ).toEqual(before);
  });

  it("refuses to close a month that has not ended in JST", async () => {
    await expect(close("2026-12", "2026-12-31T14:59:59Z")).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
  });

  it("exempts an outage open at the close up to the close and settles the rest next month", async () => {
    const [nov] = await invoicesOf(ids.open, "2026-11");
    // One whole 24 h block from 11-29 12:00 ended before the close: floor(89,600 × 1 ÷ 30).
    expect(nov.lines.at(-1)).toMatchObject({ code: "exemption_managed", amountYen: -2_986 });
    expect(nov.lines.at(-1).description).toContain("open at close");
    const token = await adminAt("2026-12-05T10:00:00+09:00");
    const closed = await app.api("post", `/outages/${openOutageId}/close`, {
      token,
      body: { restoredAt: jst("2026-12-03T12:00:00") },
    });
    expect(closed.status).toBe(200);
    await close("2026-12", "2027-01-01T00:05:00+09:00");
    const [dec] = await invoicesOf(ids.open, "2026-12");
    // 96 h from 11-29 12:00: two blocks start in December (floor(89,600 × 2 ÷ 31) = 5,780) and
    // November's second block became final: 5,973 − 2,986 = 2,987 refunded.
    expect(dec.lines.slice(-2)).toMatchObject([
      { code: "exemption_managed", amountYen: -5_780 },
      { code: "exemption_refund", amountYen: -2_987 },
    ]);
    expect(totals(dec)).toEqual([80_833, 8_083, 88_916]);
  });

  it("issues exactly one invoice per contract when two closes run at once", async () => {
    const [a, b] = await Promise.all([
      close("2027-01", "2027-02-01T00:05:00+09:00", 1),
      close("2027-01", "2027-02-01T00:05:00+09:00", 1),
    ]);
    const rows = await db().query<{ n: number }[]>(
      `SELECT contract_id, count(*)::int AS n FROM invoices WHERE month = '2027-01' GROUP BY contract_id`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(a.issued + b.issued).toBe(rows.length);
    const [{ n: audits }] = await db().query(
      `SELECT count(*)::int AS n FROM audit_log a JOIN invoices i ON i.id::text = a.entity_id WHERE a.action = 'invoice.issue' AND i.month = '2027-01'`,
    );
    expect(audits).toBe(rows.length);
  });

  it("corrects with a new revision and never changes the issued row", async () => {
    const [original] = await invoicesOf(ids.plain, "2026-11");
    const revised = await reviseInvoice(
      deps,
      "system",
      { contractId: ids.plain, month: "2026-11", reason: "customer name corrected" },
      new Date("2027-01-10T00:00:00Z"),
    );
    expect(revised).toMatchObject({
      revision: 2,
      reason: "customer name corrected",
      totalYen: 98_560,
    });
    const token = await adminAt("2027-01-10T10:00:00+09:00");
    const third = await app.api("post", `/invoices/${original.id}/revise`, {
      token,
      body: { reason: "again" },
    });
    expect(third).toMatchObject({ status: 201, body: { revision: 3, reason: "again" } });
    const rows = await invoicesOf(ids.plain, "2026-11");
    expect(rows.map((r) => r.revision)).toEqual([1, 2, 3]);
    expect(rows[0]).toEqual(original);
    await expect(
      db().query(`UPDATE invoices SET total_yen = 0 WHERE id = $1`, [original.id]),
    ).rejects.toThrow(/immutable/);
    const bad = await app.api("post", `/invoices/${original.id}/revise`, {
      token,
      body: { reason: " " },
    });
    expect(bad).toMatchObject({ status: 400, body: { issues: [{ path: "reason" }] } });
  });
});
