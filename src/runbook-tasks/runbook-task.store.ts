// Runbook-task persistence: tasks, and the contract's runbooks, components and incidents.
import { IsNull, type DataSource } from "typeorm";
import type { ContractScope } from "../access/actor.js";
import { getContract } from "../contracts/scoped.js";
import {
  ComponentEntity,
  IncidentEntity,
  RunbookEntity,
  RunbookTaskEntity,
  type ContractEntity,
} from "../db/entities/index.js";
import { managerOf, type Tx } from "../db/unit-of-work.js";

export type TaskRow = RunbookTaskEntity;
export type NewTaskRow = Pick<
  TaskRow,
  | "contractId"
  | "runbookId"
  | "componentId"
  | "incidentId"
  | "month"
  | "startedAt"
  | "startedBy"
  | "note"
>;
/** What the task rules read of a contract, its runbooks and components. */
export type TaskContract = Pick<ContractEntity, "id" | "plan" | "status" | "startDate" | "endDate">;
export type TaskRunbook = Pick<RunbookEntity, "id" | "contractId" | "kind" | "name">;
export type TaskComponent = Pick<ComponentEntity, "id" | "os" | "activeFrom" | "activeUntil">;
export type TaskFinish = Pick<TaskRow, "finishedBy" | "minutes" | "note"> & { finishedAt: Date };

export interface RunbookTaskStore {
  /** The contract if `scope` may see it; another tenant's contract is "not found". */
  contract(scope: ContractScope, id: string, tx?: Tx): Promise<TaskContract>;
  runbook(tx: Tx, contractId: string, runbookId: string): Promise<TaskRunbook | null>;
  componentExists(tx: Tx, contractId: string, componentId: string): Promise<boolean>;
  incident(tx: Tx, contractId: string, incidentId: string): Promise<IncidentEntity | null>;
  insert(tx: Tx, row: NewTaskRow): Promise<TaskRow>;
  find(tx: Tx, id: string): Promise<TaskRow | null>;
  /** Finishes only while unfinished (race-safe): null when it was already finished. */
  finish(tx: Tx, id: string, finish: TaskFinish): Promise<TaskRow | null>;
  /** Newest first; `month` is the JST month the task started. */
  list(
    contractId: string,
    query: { month?: string; limit: number; offset: number },
  ): Promise<{ rows: TaskRow[]; total: number }>;
  /** Minutes of the tasks finished so far that started in the JST month (YYYY-MM). */
  minutesUsed(contractId: string, month: string): Promise<number>;
  components(contractId: string): Promise<TaskComponent[]>;
}

export function createRunbookTaskStore(db: DataSource): RunbookTaskStore {
  return {
    contract: (scope, id, tx) => getContract(tx ? managerOf(tx) : db.manager, scope, id),
    runbook: (tx, contractId, id) => managerOf(tx).findOneBy(RunbookEntity, { id, contractId }),
    componentExists: (tx, contractId, id) =>
      managerOf(tx).existsBy(ComponentEntity, { id, contractId }),
    incident: (tx, contractId, id) => managerOf(tx).findOneBy(IncidentEntity, { id, contractId }),
    insert: (tx, row) => managerOf(tx).save(managerOf(tx).create(RunbookTaskEntity, row)),
    find: (tx, id) => managerOf(tx).findOneBy(RunbookTaskEntity, { id }),
    finish: async (tx, id, finish) => {
      const m = managerOf(tx);
      const done = await m.update(RunbookTaskEntity, { id, finishedAt: IsNull() }, finish);
      return done.affected === 1 ? m.findOneByOrFail(RunbookTaskEntity, { id }) : null;
    },
    list: async (contractId, { month, limit, offset }) => {
      const [rows, total] = await db.manager.findAndCount(RunbookTaskEntity, {
        where: { contractId, ...(month ? { month } : {}) },
        order: { startedAt: "DESC", id: "ASC" },
        take: limit,
        skip: offset,
      });
      return { rows, total };
    },
    minutesUsed: async (contractId, month) => {
      const [row] = await db.query<{ minutes: number }[]>(
        `SELECT COALESCE(SUM(minutes), 0)::int AS minutes FROM runbook_tasks
         WHERE contract_id = $1 AND month = $2 AND finished_at IS NOT NULL`,
        [contractId, month],
      );
      return row?.minutes ?? 0;
    },
    components: (contractId) => db.manager.findBy(ComponentEntity, { contractId }),
  };
}
