import { describe, expect, it } from "vitest";
import { fixedClock } from "../infra/clock.js";
import { AppError } from "../shared/errors.js";
import { issueContractToken, revokeAgentToken, rotateComponentToken } from "./agent-tokens.js";
import { addComponent, ComponentPatch, NewComponent, updateComponent } from "./components.js";
import { addRunbookVersion, NewRunbookVersion } from "./runbooks.js";
import { activeContract, customerOf, STAFF } from "./testing/fixtures.js";
import { inMemoryContracts } from "./testing/in-memory-contracts.js";

const T0 = new Date("2027-01-04T10:00:00+09:00");
const ALL = { kind: "all" } as const;

async function setup() {
  const clock = fixedClock(T0);
  const mem = inMemoryContracts(() => clock.now());
  const contract = await activeContract(mem.deps, clock.now(), { startDate: "2027-01-05" });
  return { clock, contract, ...mem };
}

async function rejectionOf(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

const vm = (name: string) => NewComponent.parse({ name, os: "linux" });

describe(addComponent.name, () => {
  it("bills from the start date before it, records the first history entry, refuses a twin", async () => {
    const { deps, state, contract, clock } = await setup();
    const added = await addComponent(deps, STAFF, ALL, contract.id, vm("web-1"), clock.now());
    expect(added.activeFrom).toBe("2027-01-05");
    expect(state.componentChanges.map((h) => [h.effectiveMonth, h.os])).toEqual([
      ["2027-01", "linux"],
    ]);
    const twin = await rejectionOf(addComponent(deps, STAFF, ALL, contract.id, vm("web-1"), T0));
    expect(twin.code).toBe("CONFLICT");
  });

  it("refuses a terminated contract", async () => {
    const { deps, state, contract } = await setup();
    state.contracts.find((c) => c.id === contract.id)!.status = "terminated";
    const err = await rejectionOf(addComponent(deps, STAFF, ALL, contract.id, vm("web-2"), T0));
    expect(err.message).toBe("contract is terminated");
  });
});

describe(updateComponent.name, () => {
  it("a later month's OS change is history only; an end date today revokes the token", async () => {
    const { deps, state, contract, clock } = await setup();
    const c = await addComponent(deps, STAFF, ALL, contract.id, vm("db-1"), clock.now());
    await rotateComponentToken(deps, STAFF, ALL, c.id, clock.now());
    const patch = ComponentPatch.parse({ os: "windows", effectiveMonth: "2027-03" });
    expect((await updateComponent(deps, STAFF, ALL, c.id, patch, clock.now())).os).toBe("linux");
    expect(state.componentChanges.at(-1)).toMatchObject({
      effectiveMonth: "2027-03",
      os: "windows",
    });
    const end = ComponentPatch.parse({ activeUntil: "2027-01-04" });
    await updateComponent(deps, STAFF, ALL, c.id, end, clock.now());
    expect(state.tokens.map((t) => t.revokedAt)).toEqual([T0]);
  });

  it("names effectiveMonth when a change would reprice a past month", async () => {
    const { deps, contract, clock } = await setup();
    const c = await addComponent(deps, STAFF, ALL, contract.id, vm("db-2"), clock.now());
    const patch = ComponentPatch.parse({ capRelaxations: 2, effectiveMonth: "2026-12" });
    const err = await rejectionOf(updateComponent(deps, STAFF, ALL, c.id, patch, clock.now()));
    expect(err.issues.map((i) => i.path)).toEqual(["effectiveMonth"]);
  });
});

describe(rotateComponentToken.name, () => {
  it("keeps one live token per component and returns the secret once", async () => {
    const { deps, state, contract, clock } = await setup();
    const c = await addComponent(deps, STAFF, ALL, contract.id, vm("app-1"), clock.now());
    const first = await rotateComponentToken(deps, STAFF, ALL, c.id, clock.now());
    const second = await rotateComponentToken(deps, STAFF, ALL, c.id, clock.now());
    expect(second.token).toMatch(/^msa_/);
    expect(second.token).not.toBe(first.token);
    const live = state.tokens.filter((t) => t.revokedAt === null).map((t) => t.id);
    expect(live).toEqual([second.id]);
    expect(state.tokens.every((t) => !JSON.stringify(t).includes(second.token))).toBe(true);
  });
});

describe(revokeAgentToken.name, () => {
  it("refuses another tenant's token as not found and revokes one's own", async () => {
    const { deps, contract, clock } = await setup();
    const other = await activeContract(deps, clock.now(), { startDate: "2027-01-05" });
    const token = await issueContractToken(deps, STAFF, ALL, contract.id, clock.now());
    const outsider = { kind: "contract", contractId: other.id } as const;
    const err = await rejectionOf(
      revokeAgentToken(deps, customerOf(other.id), outsider, token.id, clock.now()),
    );
    expect(err.code).toBe("NOT_FOUND");
    const own = { kind: "contract", contractId: contract.id } as const;
    const revoked = await revokeAgentToken(deps, customerOf(contract.id), own, token.id, T0);
    expect(revoked.revoked).toBe(true);
  });
});

describe(addRunbookVersion.name, () => {
  it("numbers versions per kind and name", async () => {
    const { deps, contract, clock } = await setup();
    const input = NewRunbookVersion.parse({ kind: "incident", name: "disk full", content: "# a" });
    const v1 = await addRunbookVersion(deps, STAFF, ALL, contract.id, input, clock.now());
    const v2 = await addRunbookVersion(deps, STAFF, ALL, contract.id, input, clock.now());
    const other = await addRunbookVersion(
      deps,
      STAFF,
      ALL,
      contract.id,
      { ...input, name: "cpu" },
      clock.now(),
    );
    expect([v1.version, v2.version, other.version]).toEqual([1, 2, 1]);
  });
});
