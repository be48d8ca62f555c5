// Agent tokens: one live token per component (rotated), per-contract tokens for standard
// agents, revocation. The secret is returned once; only its hash is stored.
import { z } from "zod";
import type { Actor, ContractScope } from "../access/actor.js";
import { newSecret } from "../accounts/secrets.js";
import type { AgentTokenEntity } from "../db/entities/index.js";
import { jstDateOf } from "../domain/time/jst.js";
import { conflict, notFound } from "../shared/errors.js";
import type { ContractsDeps } from "./deps.js";

type Deps = Pick<ContractsDeps, "uow" | "contracts" | "components" | "tokens" | "audit">;

export const AgentTokenView = z.object({
  id: z.uuid(),
  scope: z.enum(["component", "contract"]),
  componentId: z.uuid().nullable(),
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  revoked: z.boolean(),
});
export type AgentTokenView = z.infer<typeof AgentTokenView>;
export const toTokenView = (t: AgentTokenEntity): AgentTokenView => ({
  id: t.id,
  scope: t.scope as "component" | "contract",
  componentId: t.componentId,
  prefix: t.prefix,
  createdAt: t.createdAt.toISOString(),
  revoked: t.revokedAt !== null,
});

const tokenAudit = (
  actor: Actor,
  at: Date,
  action: string,
  row: AgentTokenEntity,
  before: AgentTokenView | null,
  after: AgentTokenView,
) => ({
  actor,
  at,
  action,
  entityType: "agent_token",
  entityId: row.id,
  contractId: row.contractId,
  before,
  after,
});

/** Issues a component's agent token, revoking the previous one: one live token per component. */
export async function rotateComponentToken(
  deps: Deps,
  actor: Actor,
  scope: ContractScope,
  componentId: string,
  now: Date,
) {
  return deps.uow.transaction(async (tx) => {
    const component = await deps.components.get(scope, componentId, tx);
    const contract = await deps.contracts.get(scope, component.contractId, { tx, lock: true });
    if (contract.status !== "active" && contract.status !== "applied")
      throw conflict(`contract is ${contract.status}`);
    if (component.activeUntil !== null && component.activeUntil < jstDateOf(now.getTime()))
      throw conflict("component is no longer active");
    await deps.tokens.revokeLive(tx, { componentId }, now);
    const { secret, hash, prefix } = newSecret("agent");
    const row = await deps.tokens.create(tx, {
      contractId: component.contractId,
      componentId,
      scope: "component",
      tokenHash: hash,
      prefix,
    });
    const view = toTokenView(row);
    await deps.audit.record(tx, tokenAudit(actor, now, "agent_token.rotate", row, null, view));
    return { ...view, token: secret };
  });
}

/** A per-contract ingest token for a standard agent (Prometheus, vmagent) scraping many VMs. */
export async function issueContractToken(
  deps: Omit<Deps, "components">,
  actor: Actor,
  scope: ContractScope,
  contractId: string,
  now: Date,
) {
  return deps.uow.transaction(async (tx) => {
    const contract = await deps.contracts.get(scope, contractId, { tx, lock: true });
    if (contract.status !== "active") throw conflict(`contract is ${contract.status}`);
    const { secret, hash, prefix } = newSecret("agent");
    const row = await deps.tokens.create(tx, {
      contractId,
      componentId: null,
      scope: "contract",
      tokenHash: hash,
      prefix,
    });
    const view = toTokenView(row);
    await deps.audit.record(tx, tokenAudit(actor, now, "agent_token.issue", row, null, view));
    return { ...view, token: secret };
  });
}

export async function revokeAgentToken(
  deps: Pick<Deps, "uow" | "tokens" | "audit">,
  actor: Actor,
  scope: ContractScope,
  tokenId: string,
  now: Date,
) {
  return deps.uow.transaction(async (tx) => {
    const row = await deps.tokens.find(scope, tokenId, tx);
    if (!row) throw notFound("agent token");
    const before = toTokenView(row);
    row.revokedAt ??= now;
    const after = toTokenView(await deps.tokens.save(tx, row));
    await deps.audit.record(tx, tokenAudit(actor, now, "agent_token.revoke", row, before, after));
    return after;
  });
}

/** A contract's tokens, in the tenant's scope. */
export async function listAgentTokens(
  deps: Pick<Deps, "contracts" | "tokens">,
  scope: ContractScope,
  contractId: string,
): Promise<AgentTokenView[]> {
  await deps.contracts.get(scope, contractId);
  return (await deps.tokens.list(contractId)).map(toTokenView);
}
