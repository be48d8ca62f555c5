// Runbook versions of a contract.
import type { DataSource } from "typeorm";
import type { ContractScope } from "../access/actor.js";
import { RunbookEntity } from "../db/entities/index.js";
import { managerOf, type Tx } from "../db/unit-of-work.js";

export type NewRunbook = Pick<
  RunbookEntity,
  "contractId" | "kind" | "name" | "version" | "contentType" | "content" | "createdBy"
>;

export interface RunbookStore {
  /** Every version, by kind, name and version. */
  list(contractId: string): Promise<RunbookEntity[]>;
  /** One version in the tenant's scope, or null. */
  find(scope: ContractScope, id: string): Promise<RunbookEntity | null>;
  /** The highest version of (kind, name) in the contract; 0 when none. */
  latestVersion(tx: Tx, contractId: string, kind: string, name: string): Promise<number>;
  create(tx: Tx, runbook: NewRunbook): Promise<RunbookEntity>;
}

export function createRunbookStore(db: DataSource): RunbookStore {
  return {
    list: (contractId) =>
      db.getRepository(RunbookEntity).find({
        where: { contractId },
        order: { kind: "ASC", name: "ASC", version: "ASC" },
      }),
    find: (scope, id) =>
      db
        .getRepository(RunbookEntity)
        .findOneBy(scope.kind === "all" ? { id } : { id, contractId: scope.contractId }),
    latestVersion: async (tx, contractId, kind, name) => {
      const [{ max }] = await managerOf(tx).query<[{ max: number }]>(
        `SELECT COALESCE(MAX(version), 0)::int AS max FROM runbooks
         WHERE contract_id = $1 AND kind = $2 AND name = $3`,
        [contractId, kind, name],
      );
      return max;
    },
    create: (tx, r) => managerOf(tx).save(managerOf(tx).create(RunbookEntity, r)),
  };
}
