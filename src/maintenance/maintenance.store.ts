// Maintenance-window persistence. The incident engine asks which window covers a component
// at an instant (inside its routing transaction, or on the pool for timers).
import type { DataSource, EntityManager } from "typeorm";
import type { ContractScope } from "../access/actor.js";
import { getContract } from "../contracts/scoped.js";
import {
  ComponentEntity,
  MaintenanceWindowEntity,
  type ContractEntity,
} from "../db/entities/index.js";
import { managerOf, type Tx } from "../db/unit-of-work.js";
import { activeWindow } from "../domain/maintenance/windows.js";
import { toWindow } from "./views.js";

export type WindowRow = MaintenanceWindowEntity;
export type NewWindowRow = Omit<WindowRow, "id" | "createdAt">;
export type WindowContract = Pick<ContractEntity, "id" | "status">;
export type ActiveMaintenance = { windowId: string; endsAt: Date };

export interface MaintenanceStore {
  /** The contract if `scope` may see it; another tenant's contract is "not found". */
  contract(scope: ContractScope, id: string, tx?: Tx): Promise<WindowContract>;
  componentExists(tx: Tx, contractId: string, componentId: string): Promise<boolean>;
  insert(tx: Tx, row: NewWindowRow): Promise<WindowRow>;
  /** Null when missing or outside `scope`. `lock` holds the row until `tx` ends. */
  find(
    scope: ContractScope,
    id: string,
    tx?: Tx,
    opts?: { lock?: boolean },
  ): Promise<WindowRow | null>;
  delete(tx: Tx, id: string): Promise<void>;
  /** A contract's windows, latest start first. */
  list(
    contractId: string,
    page: { limit: number; offset: number },
  ): Promise<{ rows: WindowRow[]; total: number }>;
  /** The window suppressing pages for a component (or the whole contract) at `at`, if any. */
  activeAt(
    contractId: string,
    componentId: string | null,
    at: Date,
    tx?: Tx,
  ): Promise<ActiveMaintenance | null>;
}

export function createMaintenanceStore(db: DataSource): MaintenanceStore {
  const m = (tx?: Tx) => (tx ? managerOf(tx) : db.manager);
  return {
    contract: (scope, id, tx) => getContract(m(tx), scope, id),
    componentExists: (tx, contractId, componentId) =>
      managerOf(tx).existsBy(ComponentEntity, { id: componentId, contractId }),
    insert: (tx, row) => managerOf(tx).save(managerOf(tx).create(MaintenanceWindowEntity, row)),
    find: (scope, id, tx, opts = {}) =>
      m(tx).findOne(MaintenanceWindowEntity, {
        where: scope.kind === "all" ? { id } : { id, contractId: scope.contractId },
        ...(opts.lock ? { lock: { mode: "pessimistic_write" as const } } : {}),
      }),
    delete: async (tx, id) => {
      await managerOf(tx).delete(MaintenanceWindowEntity, { id });
    },
    list: async (contractId, { limit, offset }) => {
      const [rows, total] = await db.manager.findAndCount(MaintenanceWindowEntity, {
        where: { contractId },
        order: { startsAt: "DESC", id: "ASC" },
        take: limit,
        skip: offset,
      });
      return { rows, total };
    },
    activeAt: (contractId, componentId, at, tx) =>
      maintenanceAt(m(tx), contractId, componentId, at),
  };
}

/** `MaintenanceStore.activeAt` on a given manager (the integration tests call it directly). */
export async function maintenanceAt(
  m: EntityManager,
  contractId: string,
  componentId: string | null,
  at: Date,
): Promise<ActiveMaintenance | null> {
  // Only windows that can cover `at`: started, and either recurring or not yet over.
  const rows = await m
    .createQueryBuilder(MaintenanceWindowEntity, "w")
    .where("w.contractId = :contractId", { contractId })
    .andWhere("(w.componentId IS NULL OR w.componentId = :componentId)", { componentId })
    .andWhere("w.startsAt <= :at", { at })
    .andWhere("(w.recurrence <> 'none' OR w.endsAt > :at)", { at })
    .andWhere("(w.until IS NULL OR w.until > :since)", {
      // an occurrence starting before `until` may still run at `at` (at most 28 days long)
      since: new Date(at.getTime() - 28 * 86_400_000),
    })
    .getMany();
  const found = activeWindow(rows.map(toWindow), componentId, at.getTime());
  return found && { windowId: found.window.id, endsAt: new Date(found.endMs) };
}
