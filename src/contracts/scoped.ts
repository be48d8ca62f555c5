import type { EntityManager } from "typeorm";
import { assertInScope, type ContractScope } from "../access/actor.js";
import { ComponentEntity, ContractEntity } from "../db/entities/index.js";
import { notFound } from "../shared/errors.js";

// Fetch-or-throw helpers scoped to the tenant: another contract's rows are "not found".
export async function getContract(
  m: EntityManager,
  scope: ContractScope,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<ContractEntity> {
  assertInScope(scope, id, "contract");
  const row = await m.findOne(ContractEntity, {
    where: { id },
    ...(opts.lock ? { lock: { mode: "pessimistic_write" } } : {}),
  });
  if (!row) throw notFound("contract");
  return row;
}

export async function getComponent(
  m: EntityManager,
  scope: ContractScope,
  id: string,
): Promise<ComponentEntity> {
  const where = scope.kind === "all" ? { id } : { id, contractId: scope.contractId };
  const row = await m.findOneBy(ComponentEntity, where);
  if (!row) throw notFound("component");
  return row;
}
