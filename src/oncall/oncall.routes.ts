import { In, type DataSource } from "typeorm";
import { z } from "zod";
import type { UserRole } from "../access/actor.js";
import {
  OncallHandoverNoteEntity,
  OncallOverrideEntity,
  OncallRotationEntity,
  UserEntity,
} from "../db/entities/index.js";
import { ONCALL_LINES, onCallAt } from "../domain/oncall/rotation.js";
import { defineRoute, IdParams, page, Pagination, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import { addHandoverNote, NewHandoverNote } from "./handover-notes.js";
import { getRotation, loadRotations } from "./oncall-store.js";
import {
  addOverride,
  createRotation,
  deleteOverride,
  deleteRotation,
  NewOverride,
  NewRotation,
  RotationPatch,
  updateRotation,
} from "./rotations.js";
import {
  HandoverNoteView,
  Instant,
  OnCallView,
  OverrideView,
  RotationView,
  toHandoverNoteView,
  toOverrideView,
  toRotationView,
} from "./views.js";

// On-call is staff business: customers are refused every route here (403).
const MANAGE: readonly UserRole[] = ["admin", "noc"];
const STAFF: readonly UserRole[] = ["admin", "noc", "oncall"];
const RotationDetail = RotationView.extend({ overrides: z.array(OverrideView) });

export function oncallRoutes(deps: { db: DataSource; clock: Clock }): RouteDef[] {
  const { db, clock } = deps;
  const now = () => clock.now();
  return [
    defineRoute({
      method: "get",
      path: "/oncall/rotations",
      tag: "on-call",
      roles: STAFF,
      summary: "List on-call rotations",
      response: z.array(RotationView),
      handler: async () =>
        (await db.getRepository(OncallRotationEntity).find({ order: { createdAt: "ASC" } })).map(
          toRotationView,
        ),
    }),
    defineRoute({
      method: "post",
      path: "/oncall/rotations",
      tag: "on-call",
      roles: MANAGE,
      summary: "Create an on-call rotation",
      status: 201,
      body: NewRotation,
      response: RotationView,
      handler: ({ actor, body }) => createRotation(deps, actor, body, now()),
    }),
    defineRoute({
      method: "get",
      path: "/oncall/rotations/:id",
      tag: "on-call",
      roles: STAFF,
      summary: "Get a rotation with its overrides",
      params: IdParams,
      response: RotationDetail,
      handler: async ({ params }) => {
        const row = await getRotation(db.manager, params.id);
        const overrides = await db
          .getRepository(OncallOverrideEntity)
          .find({ where: { rotationId: row.id }, order: { startsAt: "ASC" } });
        return { ...toRotationView(row), overrides: overrides.map(toOverrideView) };
      },
    }),
    defineRoute({
      method: "patch",
      path: "/oncall/rotations/:id",
      tag: "on-call",
      roles: MANAGE,
      summary: "Change a rotation",
      params: IdParams,
      body: RotationPatch,
      response: RotationView,
      handler: ({ actor, params, body }) => updateRotation(deps, actor, params.id, body, now()),
    }),
    defineRoute({
      method: "delete",
      path: "/oncall/rotations/:id",
      tag: "on-call",
      roles: MANAGE,
      summary: "Delete a rotation and its overrides",
      status: 204,
      params: IdParams,
      handler: ({ actor, params }) => deleteRotation(deps, actor, params.id, now()),
    }),
    defineRoute({
      method: "post",
      path: "/oncall/rotations/:id/overrides",
      tag: "on-call",
      roles: MANAGE,
      summary: "Put someone on call instead of the scheduled member for a period",
      status: 201,
      params: IdParams,
      body: NewOverride,
      response: OverrideView,
      handler: ({ actor, params, body }) => addOverride(deps, actor, params.id, body, now()),
    }),
    defineRoute({
      method: "delete",
      path: "/oncall/overrides/:id",
      tag: "on-call",
      roles: MANAGE,
      summary: "Remove an override",
      status: 204,
      params: IdParams,
      handler: ({ actor, params }) => deleteOverride(deps, actor, params.id, now()),
    }),
    defineRoute({
      method: "get",
      path: "/oncall/now",
      tag: "on-call",
      roles: STAFF,
      summary: "Who is on call on each line (now, or at `at`)",
      query: z.strictObject({ at: Instant.optional() }),
      response: z.object({ first: OnCallView, second: OnCallView }),
      handler: async ({ query }) => {
        const atMs = query.at ? Date.parse(query.at) : now().getTime();
        const { rotations, overrides } = await loadRotations(db.manager);
        const [first, second] = ONCALL_LINES.map((line) =>
          onCallAt(rotations, overrides, line, atMs),
        );
        const ids = [first, second].flatMap((o) => (o ? [o.userId] : []));
        const users = await db.getRepository(UserEntity).findBy({ id: In(ids) });
        const named = (o: typeof first) =>
          o && { ...o, displayName: users.find((u) => u.id === o.userId)?.displayName ?? "" };
        return { first: named(first), second: named(second) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/oncall/handover-notes",
      tag: "on-call",
      roles: STAFF,
      summary: "List hand-over notes, newest first",
      query: Pagination.extend({ rotationId: z.uuid().optional() }),
      response: page(HandoverNoteView),
      handler: async ({ query }) => {
        const [rows, total] = await db.getRepository(OncallHandoverNoteEntity).findAndCount({
          where: query.rotationId ? { rotationId: query.rotationId } : {},
          order: { createdAt: "DESC", id: "ASC" },
          take: query.limit,
          skip: query.offset,
        });
        return {
          items: rows.map(toHandoverNoteView),
          total,
          limit: query.limit,
          offset: query.offset,
        };
      },
    }),
    defineRoute({
      method: "post",
      path: "/oncall/handover-notes",
      tag: "on-call",
      roles: STAFF,
      summary: "Leave a hand-over note for the next shift",
      status: 201,
      body: NewHandoverNote,
      response: HandoverNoteView,
      handler: ({ actor, body }) => addHandoverNote(deps, actor, body, now()),
    }),
  ];
}
