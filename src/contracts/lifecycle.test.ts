import { describe, expect, it } from "vitest";
import { fixedClock } from "../infra/clock.js";
import { AppError } from "../shared/errors.js";
import { rotateComponentToken } from "./agent-tokens.js";
import { addComponent, NewComponent } from "./components.js";
import {
  applyForContract,
  expireApplications,
  giveCancellationNotice,
  NewApplication,
  terminateContract,
} from "./lifecycle.js";
import { getContractView, listContracts } from "./read-contracts.js";
import { activeContract, customerOf, STAFF } from "./testing/fixtures.js";
import { inMemoryContracts } from "./testing/in-memory-contracts.js";

const T0 = new Date("2027-01-04T10:00:00+09:00");

function setup() {
  const clock = fixedClock(T0);
  return { clock, ...inMemoryContracts(() => clock.now()) };
}

const application = NewApplication.parse({
  customerName: "Example KK",
  plan: "entry",
  contacts: [{ name: "Ops", email: "ops@example.jp", language: "en" }],
});

async function rejectionOf(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe(applyForContract.name, () => {
  it("stores an application with its contacts and audits it in the same unit", async () => {
    const { deps, state, clock } = setup();
    const view = await applyForContract(deps, STAFF, application, clock.now());
    expect(view).toMatchObject({ status: "applied", plan: "entry", receivedAt: T0.toISOString() });
    expect(state.contacts.map((c) => [c.contractId, c.email])).toEqual([
      [view.id, "ops@example.jp"],
    ]);
    expect(state.audit.map((a) => [a.action, a.entityId])).toEqual([["contract.apply", view.id]]);
  });
});

describe("tenant scope", () => {
  it("a customer sees only their contract and gets NOT_FOUND for another's", async () => {
    const { deps, clock } = setup();
    const mine = await activeContract(deps, clock.now(), { startDate: "2027-02-01" });
    const other = await activeContract(deps, clock.now(), { startDate: "2027-02-01" });
    const scope = { kind: "contract", contractId: mine.id } as const;
    const page = await listContracts(deps, scope, { limit: 50, offset: 0 });
    expect(page.items.map((c) => c.id)).toEqual([mine.id]);
    expect((await rejectionOf(getContractView(deps, scope, other.id))).code).toBe("NOT_FOUND");
  });
});

describe(expireApplications.name, () => {
  it("rejects an application undecided for 60 days, once, and leaves a newer one", async () => {
    const { deps, clock } = setup();
    const old = await applyForContract(deps, STAFF, application, clock.now());
    clock.set(new Date("2027-02-20T10:00:00+09:00"));
    const fresh = await applyForContract(deps, STAFF, application, clock.now());
    // Received 2027-01-04: deemed rejected from 2027-03-06 00:00 JST.
    clock.set(new Date("2027-03-05T23:59:00+09:00"));
    expect(await expireApplications(deps, clock.now())).toEqual([]);
    clock.set(new Date("2027-03-06T00:00:00+09:00"));
    expect(await expireApplications(deps, clock.now())).toEqual([old.id]);
    expect(await expireApplications(deps, clock.now())).toEqual([]);
    expect((await getContractView(deps, { kind: "all" }, fresh.id)).status).toBe("applied");
  });
});

describe(giveCancellationNotice.name, () => {
  it("records a notice in time and names desiredDate when it is late", async () => {
    const { deps, clock } = setup();
    const c = await activeContract(deps, clock.now(), { startDate: "2027-01-05" });
    const late = await rejectionOf(
      giveCancellationNotice(deps, STAFF, { kind: "all" }, c.id, { desiredDate: "2027-02-28" }, T0),
    );
    expect(late.code).toBe("VALIDATION");
    expect(late.issues.map((i) => i.path)).toEqual(["desiredDate"]);
    const ok = await giveCancellationNotice(
      deps,
      STAFF,
      { kind: "all" },
      c.id,
      { desiredDate: "2027-03-31" },
      T0,
    );
    expect(ok.contract).toMatchObject({
      endDate: "2027-03-31",
      cancellationNoticeDate: "2027-01-04",
    });
    expect(ok.deadline).toBe("2027-01-29");
  });

  it("refuses a customer who dates their own notice, naming noticeDate", async () => {
    const { deps, clock } = setup();
    const c = await activeContract(deps, clock.now(), { startDate: "2027-01-05" });
    const err = await rejectionOf(
      giveCancellationNotice(
        deps,
        customerOf(c.id),
        { kind: "contract", contractId: c.id },
        c.id,
        { desiredDate: "2027-06-30", noticeDate: "2027-01-02", noticeReason: "paper" },
        T0,
      ),
    );
    expect(err.issues.map((i) => i.path)).toEqual(["noticeDate"]);
  });
});

describe(terminateContract.name, () => {
  it("revokes tokens, ends components, purges contacts and audits every step", async () => {
    const { deps, state, clock } = setup();
    const c = await activeContract(deps, clock.now(), { startDate: "2027-01-05" });
    const vm = await addComponent(
      deps,
      STAFF,
      { kind: "all" },
      c.id,
      NewComponent.parse({ name: "web-1", os: "linux" }),
      clock.now(),
    );
    await rotateComponentToken(deps, STAFF, { kind: "all" }, vm.id, clock.now());
    clock.set(new Date("2027-02-10T12:00:00+09:00"));
    const after = await terminateContract(deps, "system", c.id, clock.now(), "non_payment");
    expect(after).toMatchObject({ status: "terminated", endDate: "2027-02-10" });
    expect(after.terminationReason).toBe("non_payment");
    expect(state.tokens.every((t) => t.revokedAt !== null)).toBe(true);
    expect(state.components.map((k) => k.activeUntil)).toEqual(["2027-02-10"]);
    expect(state.contacts.filter((k) => k.contractId === c.id)).toEqual([]);
    expect(state.audit.slice(-2).map((a) => a.action)).toEqual([
      "contract.terminate",
      "contract.purge_access",
    ]);
    const again = await rejectionOf(terminateContract(deps, "system", c.id, clock.now()));
    expect(again.code).toBe("CONFLICT");
  });
});
