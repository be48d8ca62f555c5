import { describe, expect, it } from "vitest";
import type { Actor } from "../access/actor.js";
import { toAuditRow, type AuditEntry } from "./audit-entry.js";

const entry = (actor: AuditEntry["actor"], over: Partial<AuditEntry> = {}): AuditEntry => ({
  actor,
  at: new Date("2026-12-01T00:00:00Z"),
  action: "thing.change",
  entityType: "thing",
  entityId: "t1",
  contractId: null,
  before: undefined,
  after: { n: 1 },
  ...over,
});
const user = (via: Actor["via"]): Actor => ({
  via,
  userId: "u1",
  credentialId: "c1",
  role: "noc",
  contractId: null,
  requestId: "req-1",
});

describe(toAuditRow.name, () => {
  it.each([
    ["a session user", user("session"), { actorType: "user", actorId: "u1", requestId: "req-1" }],
    ["an API key", user("api_key"), { actorType: "api_key", actorId: "u1", requestId: "req-1" }],
    ["the platform", "system" as const, { actorType: "system", actorId: null, requestId: null }],
  ])("names %s as the actor, with the request that acted", (_, actor, expected) => {
    expect(toAuditRow(entry(actor))).toMatchObject({ ...expected, before: null, after: { n: 1 } });
  });

  it("keeps an explicit request id over the actor's", () => {
    expect(toAuditRow(entry(user("session"), { requestId: "job-7" })).requestId).toBe("job-7");
  });
});
