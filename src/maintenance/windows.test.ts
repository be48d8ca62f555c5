import { beforeEach, describe, expect, it } from "vitest";
import type { Actor, ContractScope } from "../access/actor.js";
import { InMemoryAuditLog } from "../audit/testing/in-memory-audit-log.js";
import { inMemoryUnitOfWork } from "../db/unit-of-work.js";
import { fixedClock } from "../infra/clock.js";
import { AppError } from "../shared/errors.js";
import { InMemoryMaintenanceStore } from "./testing/in-memory-maintenance-store.js";
import { createWindow, deleteWindow, listWindows, type MaintenanceDeps } from "./windows.js";

const ALL: ContractScope = { kind: "all" };
const PAGE = { limit: 10, offset: 0 };
const jst = (local: string) => new Date(`${local}+09:00`);

let clock: ReturnType<typeof fixedClock>;
let store: InMemoryMaintenanceStore;
let audit: InMemoryAuditLog;
let deps: MaintenanceDeps;
let contractId: string;
const noc: Actor = {
  via: "session",
  userId: "6f1d2c3b-0000-4000-8000-000000000002",
  credentialId: "s1",
  role: "noc",
  contractId: null,
};

beforeEach(() => {
  clock = fixedClock(jst("2026-12-06T10:00:00")); // a Sunday
  store = new InMemoryMaintenanceStore(clock);
  audit = new InMemoryAuditLog();
  deps = { uow: inMemoryUnitOfWork, maintenance: store, audit };
  contractId = store.addContract();
});

const body = (over: Partial<Parameters<typeof createWindow>[4]> = {}) => ({
  componentId: null,
  startsAt: "2026-12-06T02:00:00+09:00",
  endsAt: "2026-12-06T04:00:00+09:00",
  recurrence: "weekly" as const,
  until: null,
  reason: "weekly patching",
  ...over,
});
const create = (
  over: Partial<Parameters<typeof createWindow>[4]> = {},
  scope: ContractScope = ALL,
  id = contractId,
) => createWindow(deps, noc, scope, id, body(over), clock.now());
const failure = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const e = err as AppError;
  return [e.code, (e.issues ?? []).map((i) => i.path)];
};

describe(createWindow.name, () => {
  it("stores the window and audits it against its contract", async () => {
    const w = await create();
    expect(w).toMatchObject({
      contractId,
      recurrence: "weekly",
      activeNow: false,
      createdBy: noc.userId,
    });
    expect(audit.rows).toEqual([
      expect.objectContaining({ action: "maintenance_window.create", contractId, after: w }),
    ]);
  });

  it("names each bad field: times from the rules, a component of another contract", async () => {
    const foreign = store.addComponent(store.addContract());
    const res = await failure(
      create({ endsAt: "2026-12-06T01:00:00+09:00", componentId: foreign }),
    );
    expect(res).toEqual(["VALIDATION", ["endsAt", "componentId"]]);
    const daily = await failure(
      create({ recurrence: "daily", endsAt: "2026-12-07T03:00:00+09:00" }),
    );
    expect(daily).toEqual(["VALIDATION", ["endsAt"]]);
    expect([store.windows.size, audit.rows.length]).toEqual([0, 0]);
  });

  it("refuses a terminated contract and hides another contract from a customer", async () => {
    const ended = store.addContract("terminated");
    expect(await failure(create({}, ALL, ended))).toEqual(["CONFLICT", []]);
    const theirs: ContractScope = { kind: "contract", contractId: store.addContract() };
    expect(await failure(create({}, theirs))).toEqual(["NOT_FOUND", []]);
    expect(store.windows.size).toBe(0);
  });
});

describe(listWindows.name, () => {
  it("says which recurring window runs now (JST calendar) and until when", async () => {
    const weekly = await create();
    await create({
      recurrence: "none",
      startsAt: "2026-12-01T00:00:00+09:00",
      endsAt: "2026-12-01T01:00:00+09:00",
    });
    clock.set(jst("2026-12-13T03:30:00")); // the next Sunday, inside 02:00–04:00 JST
    const page = await listWindows(deps, ALL, contractId, PAGE, clock.now());
    expect(page.total).toBe(2);
    expect(page.items.map((w) => [w.id === weekly.id, w.activeNow, w.activeUntil])).toEqual([
      [true, true, jst("2026-12-13T04:00:00").toISOString()],
      [false, false, null],
    ]);
    clock.set(jst("2026-12-13T04:00:00"));
    const later = await listWindows(deps, ALL, contractId, PAGE, clock.now());
    expect(later.items[0]?.activeNow).toBe(false);
  });
});

describe(deleteWindow.name, () => {
  it("lets the contract's customer delete its own window, not another's, and audits it", async () => {
    const w = await create();
    const other: ContractScope = { kind: "contract", contractId: store.addContract() };
    expect(await failure(deleteWindow(deps, noc, other, w.id, clock.now()))).toEqual([
      "NOT_FOUND",
      [],
    ]);
    expect(store.windows.size).toBe(1);
    await deleteWindow(deps, noc, { kind: "contract", contractId }, w.id, clock.now());
    expect(store.windows.size).toBe(0);
    expect(audit.rows.at(-1)).toMatchObject({
      action: "maintenance_window.delete",
      contractId,
      before: { id: w.id },
      after: null,
    });
  });
});
