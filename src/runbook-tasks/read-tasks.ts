// Reads for the contract's runbook page: its tasks and a month's minutes against the
// allowance (components × 60 min, SPEC 4). Customers see only their own contract.
import type { ContractScope } from "../access/actor.js";
import type { OperatingSystem, Plan } from "../domain/billing/tariff.js";
import { runbookAllowance } from "../domain/runbook-tasks/allowance.js";
import type { RunbookTaskStore } from "./runbook-task.store.js";
import { toTaskView } from "./views.js";

type Deps = { tasks: RunbookTaskStore };

export async function listTasks(
  deps: Deps,
  scope: ContractScope,
  contractId: string,
  query: { month?: string; limit: number; offset: number },
) {
  await deps.tasks.contract(scope, contractId);
  const { rows, total } = await deps.tasks.list(contractId, query);
  return { items: rows.map(toTaskView), total, limit: query.limit, offset: query.offset };
}

/** A task counts in the JST month it started; unfinished tasks count nothing yet. */
export async function monthAllowance(
  deps: Deps,
  scope: ContractScope,
  contractId: string,
  month: string,
) {
  const contract = await deps.tasks.contract(scope, contractId);
  const usedMinutes = await deps.tasks.minutesUsed(contractId, month);
  // A contract not yet started has no billed component, hence no allowance.
  const components = contract.startDate ? await deps.tasks.components(contractId) : [];
  return runbookAllowance({
    month,
    plan: contract.plan as Plan,
    startDate: contract.startDate ?? "9999-12-31",
    endDate: contract.endDate,
    components: components.map((c) => ({
      id: c.id,
      os: c.os as OperatingSystem,
      activeFrom: c.activeFrom,
      activeUntil: c.activeUntil,
    })),
    usedMinutes,
  });
}
