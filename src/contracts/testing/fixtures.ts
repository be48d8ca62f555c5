// Actors and an active contract for the contract unit tests.
import type { Actor } from "../../access/actor.js";
import type { ContractsDeps } from "../deps.js";
import { acceptApplication, applyForContract, NewApplication } from "../lifecycle.js";

export const STAFF: Actor = {
  via: "session",
  userId: "00000000-0000-4000-8000-000000000001",
  credentialId: "00000000-0000-4000-8000-0000000000c1",
  role: "noc",
  contractId: null,
};

export const customerOf = (contractId: string): Actor => ({
  via: "session",
  userId: "00000000-0000-4000-8000-000000000002",
  credentialId: "00000000-0000-4000-8000-0000000000c2",
  role: "customer",
  contractId,
});

/** An application through the use case, accepted from `startDate`. */
export async function activeContract(
  deps: ContractsDeps,
  now: Date,
  opts: { startDate: string; plan?: "entry" | "standard" | "advanced" | "premium" },
) {
  const applied = await applyForContract(
    deps,
    STAFF,
    NewApplication.parse({
      customerName: "Example KK",
      plan: opts.plan ?? "standard",
      contacts: [{ name: "Ops", email: "Ops@Example.jp", language: "ja" }],
    }),
    now,
  );
  return acceptApplication(deps, STAFF, applied.id, { startDate: opts.startDate }, now);
}
