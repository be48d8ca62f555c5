import { z } from "zod";
import type { Actor, ContractScope } from "../access/actor.js";
import { conflict, notFound } from "../shared/errors.js";
import type { ContractsDeps } from "./deps.js";
import { RUNBOOK_KINDS, toRunbookView, type RunbookView } from "./views.js";

type Deps = Pick<ContractsDeps, "uow" | "contracts" | "runbooks" | "audit">;

export const NewRunbookVersion = z.strictObject({
  kind: z.enum(RUNBOOK_KINDS),
  name: z.string().trim().min(1).max(200),
  contentType: z.enum(["text/markdown", "text/plain"]).default("text/markdown"),
  content: z
    .string()
    .min(1)
    .max(512 * 1024),
});

/** Uploads a new version of a runbook; the version number is the next for (kind, name). */
export async function addRunbookVersion(
  deps: Deps,
  actor: Actor,
  scope: ContractScope,
  contractId: string,
  input: z.infer<typeof NewRunbookVersion>,
  now: Date,
) {
  return deps.uow.transaction(async (tx) => {
    // The lock serialises version numbers.
    const contract = await deps.contracts.get(scope, contractId, { tx, lock: true });
    if (contract.status === "terminated" || contract.status === "rejected")
      throw conflict(`contract is ${contract.status}`);
    const latest = await deps.runbooks.latestVersion(tx, contractId, input.kind, input.name);
    const row = await deps.runbooks.create(tx, {
      ...input,
      contractId,
      version: latest + 1,
      createdBy: actor.userId,
    });
    const view = toRunbookView(row);
    await deps.audit.record(tx, {
      actor,
      at: now,
      action: "runbook.upload",
      entityType: "runbook",
      entityId: row.id,
      contractId,
      before: null,
      after: view,
    });
    return view;
  });
}

export async function listRunbooks(
  deps: Pick<Deps, "contracts" | "runbooks">,
  scope: ContractScope,
  contractId: string,
): Promise<RunbookView[]> {
  await deps.contracts.get(scope, contractId);
  return (await deps.runbooks.list(contractId)).map(toRunbookView);
}

/** One version with its content; another tenant's is not found. */
export async function getRunbook(
  deps: Pick<Deps, "runbooks">,
  scope: ContractScope,
  id: string,
): Promise<RunbookView & { content: string }> {
  const row = await deps.runbooks.find(scope, id);
  if (!row) throw notFound("runbook");
  return { ...toRunbookView(row), content: row.content };
}
