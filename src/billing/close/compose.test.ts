import { describe, expect, it } from "vitest";
import { jst } from "../../domain/billing/scenario.fixtures.js";
import { outagesOfMonth, type ContractInputs, type OutageRow } from "./build-scenario.js";
import { composeInvoice } from "./compose.js";

const inputs = (outages: OutageRow[]): ContractInputs => ({
  contract: {
    id: "c",
    customerName: "ACME",
    plan: "standard",
    tierMode: "graduated",
    startDate: "2026-04-15",
    endDate: null,
  },
  components: Array.from({ length: 8 }, (_, i) => ({
    name: `vm-${i + 1}`,
    os: "linux",
    activeFrom: "2026-04-15",
    activeUntil: null,
    capRelaxations: 0,
  })),
  outages,
  serviceFees: [],
  liabilityCredits: [],
  latePayments: [],
  incidentResponses: 0,
  runbookMinutes: 0,
});
const outage = (
  knownAt: string,
  restoredAt: string | null,
  cause: string | null = "provider_fault",
): OutageRow => ({
  id: knownAt,
  scope: "managed",
  cause,
  knownAtMs: jst(knownAt),
  restoredAtMs: restoredAt === null ? null : jst(restoredAt),
});

describe(outagesOfMonth.name, () => {
  it("keeps classified outages overlapping the month, oldest first, open ones as given", () => {
    const rows = [
      outage("2026-11-20 00:00", null),
      outage("2026-10-01 00:00", "2026-10-02 00:00"),
      outage("2026-11-02 00:00", null, null),
      outage("2026-10-31 12:00", "2026-11-01 06:00"),
    ];
    expect(outagesOfMonth(rows, "2026-11").map((o) => [o.knownAtMs, o.restoredAtMs])).toEqual([
      [jst("2026-10-31 12:00"), jst("2026-11-01 06:00")],
      [jst("2026-11-20 00:00"), null],
    ]);
    expect(outagesOfMonth(rows, "2026-11", 42).at(-1)?.restoredAtMs).toBe(42);
  });
});

describe(composeInvoice.name, () => {
  it("credits next month what an outage open at the close turned out to exempt", () => {
    const open = outage("2026-11-29 12:00", null);
    const nov = composeInvoice({ month: "2026-11", inputs: inputs([open]), previous: null });
    if (!nov.ok) throw new Error("invalid");
    expect(nov.invoice.subtotalYen).toBe(89_600 - 2_986);
    const restored = outage("2026-11-29 12:00", "2026-12-03 12:00");
    const dec = composeInvoice({
      month: "2026-12",
      inputs: inputs([restored]),
      previous: { lines: nov.invoice.lines, scenario: nov.scenario },
    });
    expect(dec.ok && dec.invoice.lines.slice(-2).map((l) => [l.code, l.amountYen])).toEqual([
      ["exemption_managed", -5_780],
      ["exemption_refund", -2_987],
    ]);
  });

  it("credits an outage classified after the close, and nothing twice", () => {
    const unclassified = outage("2026-11-10 09:00", "2026-11-13 08:00", null);
    const nov = composeInvoice({
      month: "2026-11",
      inputs: inputs([unclassified]),
      previous: null,
    });
    if (!nov.ok) throw new Error("invalid");
    expect(nov.invoice.totalYen).toBe(98_560);
    const classified = { ...unclassified, cause: "provider_fault" };
    const dec = composeInvoice({
      month: "2026-12",
      inputs: inputs([classified]),
      previous: { lines: nov.invoice.lines, scenario: nov.scenario },
    });
    expect(dec.ok && dec.invoice.lines.at(-1)).toMatchObject({
      code: "exemption_refund",
      amountYen: -5_973,
    });
    const revised = composeInvoice({
      month: "2026-11",
      inputs: inputs([classified]),
      previous: null,
      refundedLaterYen: 5_973,
    });
    expect(
      revised.ok && [revised.invoice.lines.at(-1)?.amountYen, revised.invoice.totalYen],
    ).toEqual([5_973, 98_560]);
  });

  it("names the problems of stored data instead of issuing an invoice", () => {
    const bad = inputs([]);
    bad.components[0]!.activeUntil = "2026-01-01";
    expect(composeInvoice({ month: "2026-11", inputs: bad, previous: null })).toEqual({
      ok: false,
      issues: [{ path: ["components", 0, "activeUntil"], message: "is before activeFrom" }],
    });
  });
});
