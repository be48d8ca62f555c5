import { describe, expect, it } from "vitest";
import { fixedClock } from "../infra/clock.js";
import { AppError } from "../shared/errors.js";
import {
  changePlan,
  liftSuspension,
  runLifecycle,
  SuspensionInput,
  suspendContract,
} from "./lifecycle-ops.js";
import { activeContract, STAFF } from "./testing/fixtures.js";
import { inMemoryContracts } from "./testing/in-memory-contracts.js";

const T0 = new Date("2027-01-04T10:00:00+09:00");

function setup() {
  const clock = fixedClock(T0);
  return { clock, ...inMemoryContracts(() => clock.now()) };
}

async function rejectionOf(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe(changePlan.name, () => {
  it("a change effective now moves the plan at once; a later one waits for its month", async () => {
    const { deps, state, clock } = setup();
    const c = await activeContract(deps, clock.now(), { startDate: "2027-01-05" });
    const now = await changePlan(deps, STAFF, c.id, { plan: "advanced" }, clock.now());
    expect(now.change).toMatchObject({
      fromPlan: "standard",
      plan: "advanced",
      effectiveMonth: "2027-01",
    });
    expect(now.contract.plan).toBe("advanced");
    const later = await changePlan(
      deps,
      STAFF,
      c.id,
      { plan: "premium", effectiveMonth: "2027-03" },
      clock.now(),
    );
    expect(later.change.fromPlan).toBe("advanced");
    expect(later.contract.plan).toBe("advanced");
    expect(state.audit.at(-1)?.action).toBe("contract.plan_change");
  });

  it("names effectiveMonth for a past month and plan for no change", async () => {
    const { deps, clock } = setup();
    // Started in November: December is inside the contract but already billed.
    const c = await activeContract(deps, clock.now(), { startDate: "2026-11-01" });
    const past = await rejectionOf(
      changePlan(deps, STAFF, c.id, { plan: "entry", effectiveMonth: "2026-12" }, clock.now()),
    );
    expect([past.code, past.issues.map((i) => i.path)]).toEqual(["VALIDATION", ["effectiveMonth"]]);
    expect(past.issues[0]?.message).toBe("must not be before the current month 2027-01");
    const same = await rejectionOf(
      changePlan(deps, STAFF, c.id, { plan: "standard" }, clock.now()),
    );
    expect(same.issues.map((i) => i.path)).toEqual(["plan"]);
  });

  it("refuses a change before one already scheduled later", async () => {
    const { deps, clock } = setup();
    const c = await activeContract(deps, clock.now(), { startDate: "2027-01-05" });
    await changePlan(
      deps,
      STAFF,
      c.id,
      { plan: "premium", effectiveMonth: "2027-04" },
      clock.now(),
    );
    const err = await rejectionOf(
      changePlan(deps, STAFF, c.id, { plan: "entry", effectiveMonth: "2027-02" }, clock.now()),
    );
    expect(err.code).toBe("CONFLICT");
  });
});

describe(suspendContract.name, () => {
  it("suspends once, refuses a second suspension, and lifts", async () => {
    const { deps, clock } = setup();
    const c = await activeContract(deps, clock.now(), { startDate: "2027-01-05" });
    const input = SuspensionInput.parse({ reason: "unpaid invoice 2026-12" });
    const suspended = await suspendContract(deps, STAFF, c.id, input, clock.now());
    expect(suspended.suspension).toEqual({
      kind: "suspension",
      reason: "unpaid invoice 2026-12",
      from: T0.toISOString(),
    });
    expect((await rejectionOf(suspendContract(deps, STAFF, c.id, input, clock.now()))).code).toBe(
      "CONFLICT",
    );
    expect((await liftSuspension(deps, STAFF, c.id, clock.now())).suspension).toBeNull();
  });
});

describe(runLifecycle.name, () => {
  it("applies a plan change when its month comes and terminates past the end date, once", async () => {
    const { deps, state, clock } = setup();
    const c = await activeContract(deps, clock.now(), { startDate: "2027-01-05" });
    await changePlan(
      deps,
      STAFF,
      c.id,
      { plan: "premium", effectiveMonth: "2027-02" },
      clock.now(),
    );
    const ending = await activeContract(deps, clock.now(), { startDate: "2027-01-05" });
    state.contracts.find((x) => x.id === ending.id)!.endDate = "2027-01-31";

    const jan = await runLifecycle(deps, new Date("2027-01-31T00:10:00+09:00"));
    expect([jan.plansApplied, jan.terminated]).toEqual([0, []]);
    const feb = await runLifecycle(deps, new Date("2027-02-01T00:10:00+09:00"));
    expect([feb.plansApplied, feb.terminated]).toEqual([1, [ending.id]]);
    expect(state.contracts.find((x) => x.id === c.id)?.plan).toBe("premium");
    const again = await runLifecycle(deps, new Date("2027-02-01T00:10:00+09:00"));
    expect([again.plansApplied, again.terminated]).toEqual([0, []]);
  });
});
