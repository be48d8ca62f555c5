import type { DataSource } from "typeorm";
import { z } from "zod";
import type { Actor, ContractScope } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import { RunbookEntity } from "../db/entities/index.js";
import { conflict } from "../shared/errors.js";
import { getContract } from "./scoped.js";
import { RUNBOOK_KINDS, toRunbookView } from "./views.js";

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
  deps: { db: DataSource },
  actor: Actor,
  scope: ContractScope,
  contractId: string,
  input: z.infer<typeof NewRunbookVersion>,
  now: Date,
) {
  return deps.db.transaction(async (tx) => {
    const contract = await getContract(tx, scope, contractId, { lock: true }); // serialises version numbers
    if (contract.status === "terminated" || contract.status === "rejected")
      throw conflict(`contract is ${contract.status}`);
    const [{ max }] = await tx.query<[{ max: number }]>(
      `SELECT COALESCE(MAX(version), 0)::int AS max FROM runbooks WHERE contract_id = $1 AND kind = $2 AND name = $3`,
      [contractId, input.kind, input.name],
    );
    const row = await tx.save(
      tx.create(RunbookEntity, { ...input, contractId, version: max + 1, createdBy: actor.userId }),
    );
    const view = toRunbookView(row);
    await recordAudit(tx, {
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
