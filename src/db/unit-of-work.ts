// One transaction shared by several stores, without use cases seeing TypeORM.
//
// A use case that must change incidents, the outbox and the audit log atomically asks a
// `UnitOfWork` for a transaction and hands the opaque `Tx` to each store's methods. Only
// stores (`*.store.ts`) and src/db open it (`managerOf`); the in-memory unit of work that
// unit tests use passes a token that no TypeORM store accepts.
import type { DataSource, EntityManager } from "typeorm";

declare const txBrand: unique symbol;
/** An open transaction, opaque outside the stores. */
export interface Tx {
  readonly [txBrand]: true;
}

export interface UnitOfWork {
  /** Runs `fn` in one transaction: a throw rolls back every store's writes made with `tx`. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

interface ManagerTx {
  readonly manager: EntityManager;
}

/** The TypeORM unit of work over a data source (PostgreSQL or the embedded PGlite). */
export function typeormUnitOfWork(db: DataSource): UnitOfWork {
  return {
    transaction: (fn) => db.transaction((manager) => fn(txOf(manager))),
  };
}

/** Wraps a manager a caller already holds (code not yet moved behind a store). */
export function txOf(manager: EntityManager): Tx {
  return { manager } as ManagerTx as unknown as Tx;
}

/** For stores only: the TypeORM manager behind a `Tx` made by `typeormUnitOfWork`. */
export function managerOf(tx: Tx): EntityManager {
  const manager = (tx as unknown as Partial<ManagerTx>).manager;
  if (!manager) throw new Error("this Tx was not opened by a TypeORM unit of work");
  return manager;
}

/**
 * For unit tests with in-memory stores: runs `fn` with a token, no rollback. Stores that
 * need rollback semantics in a test snapshot their own state.
 */
export const inMemoryUnitOfWork: UnitOfWork = {
  transaction: (fn) => fn({ inMemory: true } as unknown as Tx),
};
