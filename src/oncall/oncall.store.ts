// On-call persistence: rotations, overrides, hand-over notes and the users they name.
// Reads without a `tx` use the pool; inside a use case's transaction they take its `tx`.
import { In, type DataSource, type EntityManager } from "typeorm";
import {
  OncallHandoverNoteEntity,
  OncallOverrideEntity,
  OncallRotationEntity,
  UserEntity,
} from "../db/entities/index.js";
import { managerOf, type Tx } from "../db/unit-of-work.js";
import type { OncallLine, Rotation, RotationOverride } from "../domain/oncall/rotation.js";

export type RotationRow = OncallRotationEntity;
export type OverrideRow = OncallOverrideEntity;
export type HandoverNoteRow = OncallHandoverNoteEntity;
export type NewRotationRow = Pick<
  RotationRow,
  "name" | "line" | "memberIds" | "startsAt" | "shiftHours" | "createdBy"
>;
export type NewOverrideRow = Pick<
  OverrideRow,
  "rotationId" | "userId" | "startsAt" | "endsAt" | "note" | "createdBy"
>;
export type NewHandoverNoteRow = Pick<HandoverNoteRow, "rotationId" | "authorId" | "note">;
/** What on-call rules need to know of a user. */
export type OncallUser = Pick<UserEntity, "id" | "role" | "displayName" | "disabledAt">;
/** The rotations and overrides the pure rules (src/domain/oncall) decide from. */
export interface OncallSchedule {
  rotations: Rotation[];
  overrides: RotationOverride[];
}

export interface OncallStore {
  /** Oldest first. */
  listRotations(): Promise<RotationRow[]>;
  /** `lock`: held until `tx` ends, so concurrent changes of one rotation serialise. */
  findRotation(id: string, tx?: Tx, opts?: { lock?: boolean }): Promise<RotationRow | null>;
  insertRotation(tx: Tx, row: NewRotationRow): Promise<RotationRow>;
  /** Writes the row's fields back; the result carries the new `updatedAt`. */
  updateRotation(tx: Tx, row: RotationRow): Promise<RotationRow>;
  /** Deletes the rotation and its overrides. */
  deleteRotation(tx: Tx, id: string): Promise<void>;
  /** A rotation's overrides, earliest start first. */
  listOverrides(rotationId: string, tx?: Tx): Promise<OverrideRow[]>;
  findOverride(id: string, tx?: Tx, opts?: { lock?: boolean }): Promise<OverrideRow | null>;
  insertOverride(tx: Tx, row: NewOverrideRow): Promise<OverrideRow>;
  deleteOverride(tx: Tx, id: string): Promise<void>;
  schedule(tx?: Tx): Promise<OncallSchedule>;
  users(ids: readonly string[], tx?: Tx): Promise<OncallUser[]>;
  insertHandoverNote(tx: Tx, row: NewHandoverNoteRow): Promise<HandoverNoteRow>;
  /** Newest first. */
  listHandoverNotes(query: {
    rotationId?: string;
    limit: number;
    offset: number;
  }): Promise<{ rows: HandoverNoteRow[]; total: number }>;
}

export const toRotation = (r: RotationRow): Rotation => ({
  id: r.id,
  line: r.line as OncallLine,
  memberIds: r.memberIds,
  startsAtMs: r.startsAt.getTime(),
  shiftHours: r.shiftHours,
  createdAtMs: r.createdAt.getTime(),
});

export const toOverride = (o: OverrideRow): RotationOverride => ({
  rotationId: o.rotationId,
  userId: o.userId,
  startsAtMs: o.startsAt.getTime(),
  endsAtMs: o.endsAt.getTime(),
});

const LOCK = { lock: { mode: "pessimistic_write" as const } };

async function loadSchedule(m: EntityManager): Promise<OncallSchedule> {
  const rotations = await m.find(OncallRotationEntity, { order: { createdAt: "ASC", id: "ASC" } });
  const overrides = await m.find(OncallOverrideEntity, { order: { startsAt: "ASC", id: "ASC" } });
  return { rotations: rotations.map(toRotation), overrides: overrides.map(toOverride) };
}

export function createOncallStore(db: DataSource): OncallStore {
  const m = (tx?: Tx) => (tx ? managerOf(tx) : db.manager);
  return {
    listRotations: () => db.manager.find(OncallRotationEntity, { order: { createdAt: "ASC" } }),
    findRotation: (id, tx, opts = {}) =>
      m(tx).findOne(OncallRotationEntity, { where: { id }, ...(opts.lock ? LOCK : {}) }),
    insertRotation: (tx, row) =>
      managerOf(tx).save(managerOf(tx).create(OncallRotationEntity, row)),
    updateRotation: (tx, row) =>
      managerOf(tx).save(managerOf(tx).create(OncallRotationEntity, row)),
    deleteRotation: async (tx, id) => {
      await managerOf(tx).delete(OncallOverrideEntity, { rotationId: id });
      await managerOf(tx).delete(OncallRotationEntity, { id });
    },
    listOverrides: (rotationId, tx) =>
      m(tx).find(OncallOverrideEntity, { where: { rotationId }, order: { startsAt: "ASC" } }),
    findOverride: (id, tx, opts = {}) =>
      m(tx).findOne(OncallOverrideEntity, { where: { id }, ...(opts.lock ? LOCK : {}) }),
    insertOverride: (tx, row) =>
      managerOf(tx).save(managerOf(tx).create(OncallOverrideEntity, row)),
    deleteOverride: async (tx, id) => {
      await managerOf(tx).delete(OncallOverrideEntity, { id });
    },
    schedule: (tx) => loadSchedule(m(tx)),
    users: (ids, tx) =>
      ids.length === 0 ? Promise.resolve([]) : m(tx).findBy(UserEntity, { id: In([...ids]) }),
    insertHandoverNote: (tx, row) =>
      managerOf(tx).save(managerOf(tx).create(OncallHandoverNoteEntity, row)),
    listHandoverNotes: async ({ rotationId, limit, offset }) => {
      const [rows, total] = await db.manager.findAndCount(OncallHandoverNoteEntity, {
        where: rotationId ? { rotationId } : {},
        order: { createdAt: "DESC", id: "ASC" },
        take: limit,
        skip: offset,
      });
      return { rows, total };
    },
  };
}
