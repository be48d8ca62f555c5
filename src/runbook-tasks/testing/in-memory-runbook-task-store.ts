// A RunbookTaskStore and a TimelineStore in memory for unit tests: scope checks, the
// "only while unfinished" finish and the month sums behave like the SQL ones.
import { randomUUID } from "node:crypto";
import { assertInScope, type ContractScope } from "../../access/actor.js";
import type { IncidentEntity } from "../../db/entities/index.js";
import type { Tx } from "../../db/unit-of-work.js";
import type { IncidentChange, TimelineEntry } from "../../incidents/events.js";
import type { TimelineStore } from "../../incidents/timeline.store.js";
import { notFound } from "../../shared/errors.js";
import type {
  NewTaskRow,
  RunbookTaskStore,
  TaskComponent,
  TaskContract,
  TaskFinish,
  TaskRow,
  TaskRunbook,
} from "../runbook-task.store.js";

export class InMemoryRunbookTaskStore implements RunbookTaskStore {
  readonly contracts = new Map<string, TaskContract>();
  readonly runbooks: TaskRunbook[] = [];
  readonly componentRows: (TaskComponent & { contractId: string })[] = [];
  readonly incidents: IncidentEntity[] = [];
  readonly tasks = new Map<string, TaskRow>();

  addContract(c: Partial<TaskContract> = {}): string {
    const id = c.id ?? randomUUID();
    this.contracts.set(id, {
      id,
      plan: "premium",
      status: "active",
      startDate: "2026-10-01",
      endDate: null,
      ...c,
    });
    return id;
  }
  addRunbook(contractId: string, kind: string, name = `${kind} runbook`): string {
    const id = randomUUID();
    this.runbooks.push({ id, contractId, kind, name });
    return id;
  }
  addComponent(contractId: string, c: Partial<TaskComponent> = {}): string {
    const id = randomUUID();
    const row = { os: "linux", activeFrom: "2026-10-01", activeUntil: null, ...c };
    this.componentRows.push({ ...row, id, contractId });
    return id;
  }
  addIncident(contractId: string): string {
    const id = randomUUID();
    this.incidents.push({ id, contractId } as IncidentEntity);
    return id;
  }

  contract(scope: ContractScope, id: string): Promise<TaskContract> {
    assertInScope(scope, id, "contract");
    const c = this.contracts.get(id);
    if (!c) throw notFound("contract");
    return Promise.resolve({ ...c });
  }
  runbook(_tx: Tx, contractId: string, id: string) {
    const r = this.runbooks.find((x) => x.id === id && x.contractId === contractId);
    return Promise.resolve(r ? { ...r } : null);
  }
  componentExists(_tx: Tx, contractId: string, id: string) {
    return Promise.resolve(
      this.componentRows.some((c) => c.id === id && c.contractId === contractId),
    );
  }
  incident(_tx: Tx, contractId: string, id: string) {
    const i = this.incidents.find((x) => x.id === id && x.contractId === contractId);
    return Promise.resolve(i ?? null);
  }
  insert(_tx: Tx, row: NewTaskRow) {
    const saved: TaskRow = {
      ...row,
      id: randomUUID(),
      finishedAt: null,
      finishedBy: null,
      minutes: null,
    };
    this.tasks.set(saved.id, saved);
    return Promise.resolve({ ...saved });
  }
  find(_tx: Tx, id: string) {
    const t = this.tasks.get(id);
    return Promise.resolve(t ? { ...t } : null);
  }
  finish(_tx: Tx, id: string, finish: TaskFinish) {
    const t = this.tasks.get(id);
    if (!t || t.finishedAt) return Promise.resolve(null);
    const saved = { ...t, ...finish };
    this.tasks.set(id, saved);
    return Promise.resolve({ ...saved });
  }
  list(contractId: string, q: { month?: string; limit: number; offset: number }) {
    const rows = [...this.tasks.values()]
      .filter((t) => t.contractId === contractId && (!q.month || t.month === q.month))
      .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || (a.id < b.id ? -1 : 1));
    return Promise.resolve({ rows: rows.slice(q.offset, q.offset + q.limit), total: rows.length });
  }
  minutesUsed(contractId: string, month: string) {
    let sum = 0;
    for (const t of this.tasks.values())
      if (t.contractId === contractId && t.month === month && t.finishedAt) sum += t.minutes ?? 0;
    return Promise.resolve(sum);
  }
  components(contractId: string): Promise<TaskComponent[]> {
    return Promise.resolve(
      this.componentRows
        .filter((c) => c.contractId === contractId)
        .map(({ id, os, activeFrom, activeUntil }) => ({ id, os, activeFrom, activeUntil })),
    );
  }
}

/** Records timeline entries, in order; listeners are the real IncidentHub's. */
export class InMemoryTimeline implements TimelineStore {
  readonly written: { incidentId: string; entry: TimelineEntry }[] = [];

  append(_tx: Tx, incident: IncidentEntity, entry: TimelineEntry): Promise<IncidentChange> {
    this.written.push({ incidentId: incident.id, entry });
    const change = { kind: entry.kind, incident: { ...incident } };
    return Promise.resolve(change as IncidentChange);
  }
}
