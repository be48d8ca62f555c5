import { beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../access/actor.js";
import { InMemoryAuditLog } from "../audit/testing/in-memory-audit-log.js";
import { inMemoryUnitOfWork } from "../db/unit-of-work.js";
import { IncidentHub } from "../incidents/hub.js";
import { fixedClock } from "../infra/clock.js";
import { AppError } from "../shared/errors.js";
import type { TaskDeps } from "./deps.js";
import { finishTask } from "./finish-task.js";
import { listTasks, monthAllowance } from "./read-tasks.js";
import { startTask } from "./start-task.js";
import {
  InMemoryRunbookTaskStore,
  InMemoryTimeline,
} from "./testing/in-memory-runbook-task-store.js";

const MIN = 60_000;
const MISSING = "00000000-0000-4000-8000-000000000000";
const ALL = { kind: "all" } as const;

let clock: ReturnType<typeof fixedClock>;
let store: InMemoryRunbookTaskStore;
let audit: InMemoryAuditLog;
let timeline: InMemoryTimeline;
let heard: string[];
let deps: TaskDeps;
let premium: string;
let ops: string;
const engineer: Actor = {
  via: "session",
  userId: "6f1d2c3b-0000-4000-8000-000000000001",
  credentialId: "s1",
  role: "oncall",
  contractId: null,
};

beforeEach(() => {
  // 23:50 JST on 30 November; JST months turn over at 15:00 UTC.
  clock = fixedClock(new Date("2026-11-30T23:50:00+09:00"));
  store = new InMemoryRunbookTaskStore();
  audit = new InMemoryAuditLog();
  timeline = new InMemoryTimeline();
  heard = [];
  const hub = new IncidentHub();
  hub.addListener({
    name: "probe",
    inTransaction: (_tx, change) => Promise.resolve(void heard.push(`in ${change.kind}`)),
    afterCommit: (change) => void heard.push(`after ${change.kind}`),
  });
  deps = { uow: inMemoryUnitOfWork, tasks: store, audit, timeline, hub };
  premium = store.addContract();
  ops = store.addRunbook(premium, "ops");
});

const input = (over: Partial<Parameters<typeof startTask>[3]> = {}) => ({
  runbookId: ops,
  componentId: null,
  incidentId: null,
  note: null,
  ...over,
});
const start = (over: Partial<Parameters<typeof startTask>[3]> = {}, contractId = premium) =>
  startTask(deps, engineer, contractId, input(over), clock.now());
const failure = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const e = err as AppError;
  return [e.code, (e.issues ?? []).map((i) => i.path)];
};

describe(startTask.name, () => {
  it("starts a task in the JST month it began and audits it", async () => {
    clock.set(new Date("2026-12-01T00:10:00+09:00")); // still November in UTC
    const task = await start({ note: "rotate logs" });
    expect(task).toMatchObject({ contractId: premium, month: "2026-12", finishedAt: null });
    expect(audit.rows).toEqual([
      expect.objectContaining({ action: "runbook_task.start", entityId: task.id, after: task }),
    ]);
    expect(timeline.written).toEqual([]);
  });

  it("refuses contracts without runbook execution or not active, as a failed precondition", async () => {
    const standard = store.addContract({ plan: "standard" });
    const stdOps = store.addRunbook(standard, "ops");
    expect(await failure(start({ runbookId: stdOps }, standard))).toEqual([
      "PRECONDITION_FAILED",
      [],
    ]);
    const suspended = store.addContract({ status: "suspended" });
    const susOps = store.addRunbook(suspended, "ops");
    expect(await failure(start({ runbookId: susOps }, suspended))).toEqual([
      "PRECONDITION_FAILED",
      [],
    ]);
    expect(store.tasks.size).toBe(0);
  });

  it("needs an ops runbook of this contract, naming runbookId", async () => {
    const incidentRunbook = store.addRunbook(premium, "incident");
    const foreign = store.addRunbook(store.addContract(), "ops");
    for (const runbookId of [incidentRunbook, foreign, MISSING])
      expect(await failure(start({ runbookId }))).toEqual(["PRECONDITION_FAILED", ["runbookId"]]);
  });

  it("names each component or incident that is not this contract's", async () => {
    const other = store.addContract();
    const res = await failure(
      start({ componentId: store.addComponent(other), incidentId: store.addIncident(other) }),
    );
    expect(res).toEqual(["VALIDATION", ["componentId", "incidentId"]]);
    expect([store.tasks.size, audit.rows.length]).toEqual([0, 0]);
  });

  it("writes onto a named incident's timeline; listeners hear it in the transaction and after commit", async () => {
    const incidentId = store.addIncident(premium);
    deps.uow = {
      transaction: async (fn) => {
        const result = await inMemoryUnitOfWork.transaction(fn);
        heard.push("commit");
        return result;
      },
    };
    const task = await start({ incidentId, note: "restart nginx" });
    expect(timeline.written).toEqual([
      {
        incidentId,
        entry: expect.objectContaining({
          kind: "runbook_task_started",
          note: "restart nginx",
          data: { taskId: task.id, runbookId: ops, runbook: "ops runbook" },
        }),
      },
    ]);
    expect(heard).toEqual(["in runbook_task_started", "commit", "after runbook_task_started"]);
  });
});

describe(finishTask.name, () => {
  it("records minutes rounded up, at least one, and appends the note", async () => {
    const task = await start({ note: "rotate logs" });
    clock.advance(59 * MIN + 1);
    const done = await finishTask(deps, engineer, task.id, { note: "done" }, clock.now());
    expect(done).toMatchObject({
      minutes: 60,
      note: "rotate logs\ndone",
      finishedBy: engineer.userId,
    });
    const quick = await start();
    const fast = await finishTask(deps, engineer, quick.id, {}, clock.now());
    expect([fast.minutes, fast.note]).toEqual([1, null]);
    expect(audit.actions()).toEqual([
      "runbook_task.start",
      "runbook_task.finish",
      "runbook_task.start",
      "runbook_task.finish",
    ]);
  });

  it("finishes once: a second finish is a conflict and changes nothing", async () => {
    const task = await start();
    clock.advance(10 * MIN);
    await finishTask(deps, engineer, task.id, {}, clock.now());
    clock.advance(10 * MIN);
    expect(await failure(finishTask(deps, engineer, task.id, {}, clock.now()))).toEqual([
      "CONFLICT",
      [],
    ]);
    expect(store.tasks.get(task.id)?.minutes).toBe(10);
    expect(await failure(finishTask(deps, engineer, MISSING, {}, clock.now()))).toEqual([
      "NOT_FOUND",
      [],
    ]);
  });

  it("tells the incident's timeline how many minutes the task took", async () => {
    const incidentId = store.addIncident(premium);
    const task = await start({ incidentId });
    clock.advance(25 * MIN);
    await finishTask(deps, engineer, task.id, { note: "ok" }, clock.now());
    expect(timeline.written.map((w) => [w.entry.kind, w.entry.data?.minutes])).toEqual([
      ["runbook_task_started", undefined],
      ["runbook_task_finished", 25],
    ]);
    expect(heard.filter((h) => h.startsWith("after"))).toHaveLength(2);
  });
});

describe(monthAllowance.name, () => {
  it("pools 60 minutes per billed component and counts finished tasks in their start month", async () => {
    store.addComponent(premium);
    store.addComponent(premium);
    store.addComponent(premium, { activeFrom: "2026-12-05" }); // not billed in November
    const task = await start(); // 23:50 JST on 30 Nov
    clock.advance(150 * MIN); // finishes on 1 Dec JST
    await finishTask(deps, engineer, task.id, {}, clock.now());
    await start(); // unfinished: counts nothing
    expect(await monthAllowance(deps, ALL, premium, "2026-11")).toEqual({
      month: "2026-11",
      components: 2,
      allowanceMinutes: 120,
      usedMinutes: 150,
      remainingMinutes: 0,
      overageMinutes: 30,
    });
    expect((await monthAllowance(deps, ALL, premium, "2026-12")).usedMinutes).toBe(0);
  });

  it("hides another contract from a customer", async () => {
    const other = store.addContract();
    const scope = { kind: "contract", contractId: other } as const;
    expect(await failure(monthAllowance(deps, scope, premium, "2026-11"))).toEqual([
      "NOT_FOUND",
      [],
    ]);
    expect(await failure(listTasks(deps, scope, premium, { limit: 10, offset: 0 }))).toEqual([
      "NOT_FOUND",
      [],
    ]);
  });
});

describe(listTasks.name, () => {
  it("lists a contract's tasks newest first, by JST month when asked", async () => {
    const november = await start();
    clock.advance(20 * MIN); // 00:10 JST on 1 December
    const december = await start();
    const other = store.addContract();
    await start({ runbookId: store.addRunbook(other, "ops") }, other);
    const all = await listTasks(deps, ALL, premium, { limit: 10, offset: 0 });
    expect([all.items.map((t) => t.id), all.total]).toEqual([[december.id, november.id], 2]);
    const nov = await listTasks(deps, ALL, premium, { month: "2026-11", limit: 10, offset: 0 });
    expect(nov.items.map((t) => t.id)).toEqual([november.id]);
  });
});
