import { describe, expect, it } from "vitest";
import type { Actor } from "../access/actor.js";
import { assertMayJoin, initialRooms } from "./rooms.js";

const A = "11111111-1111-4111-8111-111111111111";
const B = "22222222-2222-4222-8222-222222222222";
const actor = (role: Actor["role"], contractId: string | null = null): Actor => ({
  via: "session",
  userId: "u",
  credentialId: "c",
  role,
  contractId,
});

describe(initialRooms.name, () => {
  it.each(["admin", "noc", "oncall"] as const)("puts %s in the noc room", (role) => {
    expect(initialRooms(actor(role))).toEqual(["noc"]);
  });
  it("puts a customer in its own contract's room only", () => {
    expect(initialRooms(actor("customer", A))).toEqual([`contract:${A}`]);
  });
  it("puts a customer without a contract nowhere", () => {
    expect(initialRooms(actor("customer"))).toEqual([]);
  });
});

describe(assertMayJoin.name, () => {
  it("lets staff join noc and any contract room", () => {
    expect(() => assertMayJoin(actor("oncall"), "noc")).not.toThrow();
    expect(() => assertMayJoin(actor("noc"), `contract:${B}`)).not.toThrow();
  });
  it("lets a customer join its own contract room", () => {
    expect(() => assertMayJoin(actor("customer", A), `contract:${A}`)).not.toThrow();
  });
  it("refuses a customer the noc room, naming the field", () => {
    expect(() => assertMayJoin(actor("customer", A), "noc")).toThrow(
      expect.objectContaining({
        code: "FORBIDDEN",
        issues: [expect.objectContaining({ path: "room" })],
      }),
    );
  });
  it("refuses a customer another contract's room", () => {
    expect(() => assertMayJoin(actor("customer", A), `contract:${B}`)).toThrow(/may not join/);
  });
});
