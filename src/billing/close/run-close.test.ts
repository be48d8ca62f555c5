import { describe, expect, it } from "vitest";
import { inMemoryUnitOfWork, type Tx } from "../../db/unit-of-work.js";
import type { ContractInputs } from "./build-scenario.js";
import { reviseInvoice } from "./revise-invoice.js";
import { runMonthlyClose } from "./run-close.js";
import { inMemoryCloseStore } from "./testing/in-memory-close-store.js";

const contract = (id: string, over: Partial<ContractInputs> = {}): ContractInputs => ({
  contract: {
    id,
    customerName: `Customer ${id}`,
    plan: "entry",
    tierMode: "graduated",
    startDate: "2026-04-15",
    endDate: null,
  },
  components: ["vm-1", "vm-2"].map((name) => ({
    name,
    os: "linux",
    activeFrom: "2026-04-15",
    activeUntil: null,
    capRelaxations: 0,
  })),
  outages: [],
  serviceFees: [],
  liabilityCredits: [],
  latePayments: [],
  incidentResponses: 0,
  runbookMinutes: 0,
  ...over,
});
const AFTER_NOVEMBER = new Date("2026-11-30T15:05:00Z"); // 2026-12-01 00:05 JST

function setup() {
  const memory = inMemoryCloseStore();
  const hooked: string[][] = [];
  const deps = {
    uow: inMemoryUnitOfWork,
    store: memory.store,
    onInvoicesIssued: (_tx: Tx, ids: readonly string[]) => (
      hooked.push([...ids]),
      Promise.resolve()
    ),
  };
  const close = (batchSize?: number) =>
    runMonthlyClose({ deps, month: "2026-11", now: AFTER_NOVEMBER, batchSize });
  return { memory, deps, hooked, close };
}

describe(runMonthlyClose.name, () => {
  it("issues revision 1 to each billable contract in integer yen, and nothing on a re-run", async () => {
    const { memory, hooked, close } = setup();
    memory.put(contract("c1"));
    memory.put(contract("c2"));
    memory.put(
      contract("c3", { contract: { ...contract("c3").contract, startDate: "2026-12-01" } }),
    );
    expect(await close()).toEqual({ month: "2026-11", considered: 2, issued: 2, failed: [] });
    // Entry: 10,000 base + 2 Linux components at 4,000 = 18,000, tax 10 % = 1,800.
    expect(
      memory.invoices.map((i) => [
        i.contractId,
        i.revision,
        i.invoice.subtotalYen,
        i.invoice.taxYen,
        i.invoice.totalYen,
      ]),
    ).toEqual([
      ["c1", 1, 18_000, 1_800, 19_800],
      ["c2", 1, 18_000, 1_800, 19_800],
    ]);
    expect(hooked).toEqual([["inv-1", "inv-2"]]);
    expect(await close()).toEqual({ month: "2026-11", considered: 0, issued: 0, failed: [] });
    expect(memory.invoices).toHaveLength(2);
  });

  it("walks the contracts in batches", async () => {
    const { memory, close } = setup();
    for (const id of ["c1", "c2", "c3"]) memory.put(contract(id));
    expect(await close(1)).toMatchObject({ considered: 3, issued: 3 });
  });

  it("names a contract whose stored data is invalid, invoices the others, and bills it once fixed", async () => {
    const { memory, close } = setup();
    const broken = contract("c2");
    broken.components[0]!.activeUntil = "2026-01-01"; // removed before it was added
    memory.put(contract("c1"));
    memory.put(broken);
    const result = await close();
    expect(result).toMatchObject({ considered: 2, issued: 1 });
    expect(result.failed.map((f) => f.contractId)).toEqual(["c2"]);
    expect(result.failed[0]!.issues.length).toBeGreaterThan(0);
    memory.put(contract("c2"));
    expect(await close()).toMatchObject({ considered: 1, issued: 1, failed: [] });
  });

  it("does not issue or announce an invoice a concurrent close inserted first", async () => {
    const { memory, deps, hooked, close } = setup();
    memory.put(contract("c1"));
    memory.put(contract("c2"));
    const issue = memory.store.issueInvoices.bind(memory.store);
    // A rival close inserts c1's invoice between this close's select and its insert.
    deps.store = {
      ...memory.store,
      async issueInvoices(tx, invoices, ctx) {
        await issue(
          tx,
          invoices.filter((i) => i.contractId === "c1"),
          ctx,
        );
        return issue(tx, invoices, ctx);
      },
    };
    expect(await close()).toMatchObject({ considered: 2, issued: 1 });
    expect(memory.invoices.map((i) => i.contractId)).toEqual(["c1", "c2"]);
    expect(hooked).toEqual([["inv-2"]]);
  });

  it("refuses a month that has not ended in JST", async () => {
    const { deps } = setup();
    await expect(
      runMonthlyClose({ deps, month: "2026-11", now: new Date("2026-11-30T14:59:59Z") }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
  });
});

describe(reviseInvoice.name, () => {
  it("issues the next revision with its reason from the data stored now; the old one stays", async () => {
    const { memory, deps, close } = setup();
    memory.put(contract("c1"));
    await close();
    const changed = contract("c1");
    changed.components.push({ ...changed.components[0]!, name: "vm-3" });
    memory.put(changed);
    const revised = await reviseInvoice(
      deps,
      "system",
      { contractId: "c1", month: "2026-11", reason: "vm-3 was missed" },
      AFTER_NOVEMBER,
    );
    expect([revised.revision, revised.reason, revised.totalYen]).toEqual([
      2,
      "vm-3 was missed",
      24_200,
    ]);
    expect(memory.invoices.map((i) => [i.revision, i.invoice.totalYen, i.audit])).toEqual([
      [1, 19_800, "invoice.issue"],
      [2, 24_200, "invoice.revise"],
    ]);
  });

  it("refuses to revise a month without an invoice", async () => {
    const { memory, deps } = setup();
    memory.put(contract("c1"));
    await expect(
      reviseInvoice(
        deps,
        "system",
        { contractId: "c1", month: "2026-10", reason: "r" },
        AFTER_NOVEMBER,
      ),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
