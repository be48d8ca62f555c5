// Reads of contracts and components, always in the actor's tenant scope.
import type { ContractScope } from "../access/actor.js";
import { cancellationNoticeDeadline } from "../domain/contracts/terms.js";
import type { ContractsDeps } from "./deps.js";
import {
  toComponentView,
  toContractView,
  type ComponentView,
  type ContractView,
  type Plan,
} from "./views.js";

interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Staff see every contract; a customer sees only their own. */
export async function listContracts(
  deps: Pick<ContractsDeps, "contracts">,
  scope: ContractScope,
  query: { status?: ContractView["status"]; plan?: Plan; limit: number; offset: number },
): Promise<Page<ContractView>> {
  const { rows, total } = await deps.contracts.list({
    ...(scope.kind === "contract" ? { contractId: scope.contractId } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.plan ? { plan: query.plan } : {}),
    limit: query.limit,
    offset: query.offset,
  });
  return { items: rows.map(toContractView), total, limit: query.limit, offset: query.offset };
}

export async function getContractView(
  deps: Pick<ContractsDeps, "contracts">,
  scope: ContractScope,
  id: string,
): Promise<ContractView> {
  return toContractView(await deps.contracts.get(scope, id));
}

/** The day notice must be given by for `desiredDate` (60 days, business-day calendar). */
export async function cancellationDeadline(
  deps: Pick<ContractsDeps, "contracts">,
  scope: ContractScope,
  id: string,
  desiredDate: string,
): Promise<{ desiredDate: string; deadline: string }> {
  await deps.contracts.get(scope, id);
  return { desiredDate, deadline: cancellationNoticeDeadline(desiredDate) };
}

export async function listComponents(
  deps: Pick<ContractsDeps, "contracts" | "components">,
  scope: ContractScope,
  contractId: string,
  page: { limit: number; offset: number },
): Promise<Page<ComponentView>> {
  await deps.contracts.get(scope, contractId);
  const { rows, total } = await deps.components.list(contractId, page);
  return { items: rows.map(toComponentView), total, limit: page.limit, offset: page.offset };
}

export async function getComponentView(
  deps: Pick<ContractsDeps, "components">,
  scope: ContractScope,
  id: string,
): Promise<ComponentView> {
  return toComponentView(await deps.components.get(scope, id));
}
