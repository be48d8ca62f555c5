import { describe, expect, it } from "vitest";
import { revokedCredentialOf, SecurityEvents } from "./security-events.js";

describe("security events", () => {
  it("reads a revoked credential back from the change feed, and nothing malformed", () => {
    expect(revokedCredentialOf({ userId: "u1", credentialId: "c1" })).toEqual({
      userId: "u1",
      credentialId: "c1",
    });
    for (const bad of [null, "u1", 7, {}, { userId: "u1" }, { userId: 1, credentialId: "c1" }])
      expect(revokedCredentialOf(bad)).toBeUndefined();
  });

  it("tells every listener, even when one throws, and reports the throw", () => {
    const errors: unknown[] = [];
    const events = new SecurityEvents((err) => errors.push(err));
    const seen: string[] = [];
    events.subscribe(() => {
      throw new Error("listener broke");
    });
    const off = events.subscribe((e) => seen.push(e.kind));
    events.publish({ kind: "credentials_revoked", userId: "u1", credentialIds: "all" });
    expect(seen).toEqual(["credentials_revoked"]);
    expect(errors).toHaveLength(1);
    off();
    events.deliver({ kind: "ingest_access_changed", contractId: null });
    expect(seen).toEqual(["credentials_revoked"]);
  });
});
