// A MaintenanceStore in memory for unit tests: scope checks like the SQL, and `activeAt`
// asks the same pure rules (src/domain/maintenance) over the stored windows.
import { randomUUID } from "node:crypto";
import { assertInScope, type ContractScope } from "../../access/actor.js";
import type { Tx } from "../../db/unit-of-work.js";
import { activeWindow } from "../../domain/maintenance/windows.js";
import type { Clock } from "../../infra/clock.js";
import { notFound } from "../../shared/errors.js";
import type {
  MaintenanceStore,
  NewWindowRow,
  WindowContract,
  WindowRow,
} from "../maintenance.store.js";
import { toWindow } from "../views.js";

export class InMemoryMaintenanceStore implements MaintenanceStore {
  readonly contracts = new Map<string, WindowContract>();
  readonly componentRows: { id: string; contractId: string }[] = [];
  readonly windows = new Map<string, WindowRow>();

  constructor(private readonly clock: Clock) {}

  addContract(status = "active"): string {
    const id = randomUUID();
    this.contracts.set(id, { id, status });
    return id;
  }
  addComponent(contractId: string): string {
    const id = randomUUID();
    this.componentRows.push({ id, contractId });
    return id;
  }

  contract(scope: ContractScope, id: string) {
    assertInScope(scope, id, "contract");
    const c = this.contracts.get(id);
    if (!c) throw notFound("contract");
    return Promise.resolve({ ...c });
  }
  componentExists(_tx: Tx, contractId: string, componentId: string) {
    return Promise.resolve(
      this.componentRows.some((c) => c.id === componentId && c.contractId === contractId),
    );
  }
  insert(_tx: Tx, row: NewWindowRow) {
    const saved = { ...row, id: randomUUID(), createdAt: this.clock.now() };
    this.windows.set(saved.id, saved);
    return Promise.resolve({ ...saved });
  }
  find(scope: ContractScope, id: string) {
    const w = this.windows.get(id);
    const visible = w && (scope.kind === "all" || w.contractId === scope.contractId);
    return Promise.resolve(visible ? { ...w } : null);
  }
  delete(_tx: Tx, id: string) {
    this.windows.delete(id);
    return Promise.resolve();
  }
  list(contractId: string, page: { limit: number; offset: number }) {
    const rows = [...this.windows.values()]
      .filter((w) => w.contractId === contractId)
      .sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime() || (a.id < b.id ? -1 : 1));
    return Promise.resolve({
      rows: rows.slice(page.offset, page.offset + page.limit),
      total: rows.length,
    });
  }
  activeAt(contractId: string, componentId: string | null, at: Date) {
    const mine = [...this.windows.values()].filter((w) => w.contractId === contractId);
    const found = activeWindow(mine.map(toWindow), componentId, at.getTime());
    return Promise.resolve(found && { windowId: found.window.id, endsAt: new Date(found.endMs) });
  }
}
