// An OncallStore in memory for unit tests: rows get ids and creation times from the clock,
// deleting a rotation deletes its overrides, reads filter and order like the SQL does.
import { randomUUID } from "node:crypto";
import type { Clock } from "../../infra/clock.js";
import {
  toOverride,
  toRotation,
  type HandoverNoteRow,
  type OncallStore,
  type OncallUser,
  type OverrideRow,
  type RotationRow,
} from "../oncall.store.js";

const byTime =
  <T extends { id: string }>(at: (row: T) => Date, dir: 1 | -1 = 1) =>
  (a: T, b: T) =>
    dir * (at(a).getTime() - at(b).getTime()) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class InMemoryOncallStore implements OncallStore {
  readonly rotations = new Map<string, RotationRow>();
  readonly overrides = new Map<string, OverrideRow>();
  readonly notes: HandoverNoteRow[] = [];
  private readonly people = new Map<string, OncallUser>();

  constructor(private readonly clock: Clock) {}

  /** Adds a user (a staff engineer unless told otherwise) and returns its id. */
  addUser(user: Partial<OncallUser> = {}): string {
    const id = user.id ?? randomUUID();
    this.people.set(id, {
      id,
      role: user.role ?? "oncall",
      displayName: user.displayName ?? `user ${this.people.size + 1}`,
      disabledAt: user.disabledAt ?? null,
    });
    return id;
  }

  listRotations() {
    return Promise.resolve([...this.rotations.values()].sort(byTime((r) => r.createdAt)));
  }
  findRotation(id: string) {
    return Promise.resolve(copy(this.rotations.get(id)));
  }
  insertRotation(_tx: unknown, row: Omit<RotationRow, "id" | "createdAt" | "updatedAt">) {
    const now = this.clock.now();
    const saved = { ...row, id: randomUUID(), createdAt: now, updatedAt: now };
    this.rotations.set(saved.id, saved);
    return Promise.resolve({ ...saved });
  }
  updateRotation(_tx: unknown, row: RotationRow) {
    if (!this.rotations.has(row.id)) throw new Error(`no rotation ${row.id} to update`);
    const saved = { ...row, updatedAt: this.clock.now() };
    this.rotations.set(row.id, saved);
    return Promise.resolve({ ...saved });
  }
  deleteRotation(_tx: unknown, id: string) {
    for (const o of this.overrides.values()) if (o.rotationId === id) this.overrides.delete(o.id);
    this.rotations.delete(id);
    return Promise.resolve();
  }
  listOverrides(rotationId: string) {
    const rows = [...this.overrides.values()].filter((o) => o.rotationId === rotationId);
    return Promise.resolve(rows.sort(byTime((o) => o.startsAt)));
  }
  findOverride(id: string) {
    return Promise.resolve(copy(this.overrides.get(id)));
  }
  insertOverride(_tx: unknown, row: Omit<OverrideRow, "id" | "createdAt">) {
    if (!this.rotations.has(row.rotationId)) throw new Error("foreign key: no such rotation");
    const saved = { ...row, id: randomUUID(), createdAt: this.clock.now() };
    this.overrides.set(saved.id, saved);
    return Promise.resolve({ ...saved });
  }
  deleteOverride(_tx: unknown, id: string) {
    this.overrides.delete(id);
    return Promise.resolve();
  }
  async schedule() {
    const rotations = await this.listRotations();
    const overrides = [...this.overrides.values()].sort(byTime((o) => o.startsAt));
    return { rotations: rotations.map(toRotation), overrides: overrides.map(toOverride) };
  }
  users(ids: readonly string[]) {
    return Promise.resolve(
      [...new Set(ids)].flatMap((id) => {
        const u = this.people.get(id);
        return u ? [{ ...u }] : [];
      }),
    );
  }
  insertHandoverNote(_tx: unknown, row: Omit<HandoverNoteRow, "id" | "createdAt">) {
    const saved = { ...row, id: randomUUID(), createdAt: this.clock.now() };
    this.notes.push(saved);
    return Promise.resolve({ ...saved });
  }
  listHandoverNotes(q: { rotationId?: string; limit: number; offset: number }) {
    const rows = this.notes
      .filter((n) => !q.rotationId || n.rotationId === q.rotationId)
      .sort(byTime((n) => n.createdAt, -1));
    return Promise.resolve({ rows: rows.slice(q.offset, q.offset + q.limit), total: rows.length });
  }
}

const copy = <T extends object>(row: T | undefined): T | null => (row ? { ...row } : null);
