import { describe, expect, it } from "vitest";
import { acceptsPushes, isContractServiceable } from "./service-state.js";

describe("contract service state", () => {
  const now = new Date("2026-11-20T01:00:00Z");
  const before = new Date(now.getTime() - 1);
  const later = new Date(now.getTime() + 60_000);
  const active = { status: "active", suspendedFrom: null, suspensionKind: null };

  it("serves an active contract and stops a suspended one from its start", () => {
    expect([isContractServiceable(active, now), acceptsPushes(active, now)]).toEqual([true, true]);
    const suspended = { ...active, suspendedFrom: before, suspensionKind: "suspension" };
    expect([isContractServiceable(suspended, now), acceptsPushes(suspended, now)]).toEqual([
      false,
      false,
    ]);
    const scheduled = { ...suspended, suspendedFrom: later };
    expect([isContractServiceable(scheduled, now), acceptsPushes(scheduled, now)]).toEqual([
      true,
      true,
    ]);
  });

  it("keeps monitoring under a restriction but stops response", () => {
    const restricted = { ...active, suspendedFrom: before, suspensionKind: "restriction" };
    expect([isContractServiceable(restricted, now), acceptsPushes(restricted, now)]).toEqual([
      false,
      true,
    ]);
  });

  it("serves nothing of a terminated contract", () => {
    const ended = { ...active, status: "terminated" };
    expect([isContractServiceable(ended, now), acceptsPushes(ended, now)]).toEqual([false, false]);
  });
});
