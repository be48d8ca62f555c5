import type { EntityManager } from "typeorm";
import type { ContractScope } from "../access/actor.js";
import { InvoiceEntity, OutageEntity } from "../db/entities/index.js";
import { notFound } from "../shared/errors.js";

// Fetch-or-throw helpers scoped to the tenant: another contract's rows are "not found".
const where = (scope: ContractScope, id: string) =>
  scope.kind === "all" ? { id } : { id, contractId: scope.contractId };

export async function getOutage(
  m: EntityManager,
  scope: ContractScope,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<OutageEntity> {
  const lock = opts.lock ? { lock: { mode: "pessimistic_write" as const } } : {};
  const row = await m.findOne(OutageEntity, { where: where(scope, id), ...lock });
  if (!row) throw notFound("outage");
  return row;
}

export async function getInvoice(
  m: EntityManager,
  scope: ContractScope,
  id: string,
): Promise<InvoiceEntity> {
  const row = await m.findOneBy(InvoiceEntity, where(scope, id));
  if (!row) throw notFound("invoice");
  return row;
}
