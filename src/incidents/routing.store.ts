// What routing and paging read from other features: the contract (plan, service state),
// its incident runbook, maintenance windows, the on-call rotations and the paged user.
import type { DataSource } from "typeorm";
import { ContractEntity, RunbookEntity, UserEntity } from "../db/entities/index.js";
import { managerOf, type Tx } from "../db/unit-of-work.js";
import type { Rotation, RotationOverride } from "../domain/oncall/rotation.js";
import { createMaintenanceStore } from "../maintenance/maintenance.store.js";
import { createOncallStore } from "../oncall/oncall.store.js";

export interface RoutingStore {
  /** The contract, in `tx` when given. */
  contract(tx: Tx | null, id: string): Promise<ContractEntity | null>;
  hasIncidentRunbook(tx: Tx, contractId: string): Promise<boolean>;
  /** The window holding a component's (or the contract's) pages at `at`, if any. */
  maintenanceAt(
    contractId: string,
    componentId: string | null,
    at: Date,
  ): Promise<{ windowId: string; endsAt: Date } | null>;
  rotations(tx: Tx): Promise<{ rotations: Rotation[]; overrides: RotationOverride[] }>;
  user(tx: Tx, id: string): Promise<UserEntity | null>;
}

export function createRoutingStore(db: DataSource): RoutingStore {
  const [maintenance, oncall] = [createMaintenanceStore(db), createOncallStore(db)];
  return {
    contract: (tx, id) => (tx ? managerOf(tx) : db.manager).findOneBy(ContractEntity, { id }),
    hasIncidentRunbook: (tx, contractId) =>
      managerOf(tx).exists(RunbookEntity, { where: { contractId, kind: "incident" } }),
    maintenanceAt: (contractId, componentId, at) =>
      maintenance.activeAt(contractId, componentId, at),
    rotations: (tx) => oncall.schedule(tx),
    user: (tx, id) => managerOf(tx).findOneBy(UserEntity, { id }),
  };
}
