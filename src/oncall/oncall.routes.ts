import { z } from "zod";
import type { UserRole } from "../access/actor.js";
import {
  defineRoute,
  resourceRoutes,
  IdParams,
  page,
  Pagination,
  type RouteDef,
} from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import type { OncallDeps } from "./deps.js";
import { addHandoverNote, listHandoverNotes, NewHandoverNote } from "./handover-notes.js";
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
import { HandoverNoteView, Instant, OnCallView, OverrideView, RotationView } from "./views.js";
import { getRotationDetail, listRotations, whoIsOnCall } from "./who-is-on-call.js";

// On-call is staff business: customers are refused every route here (403).
const MANAGE: readonly UserRole[] = ["admin", "noc"];
const STAFF: readonly UserRole[] = ["admin", "noc", "oncall"];
const RotationDetail = RotationView.extend({ overrides: z.array(OverrideView) });

export function oncallRoutes(deps: OncallDeps & { clock: Clock }): RouteDef[] {
  const { clock } = deps;
  const now = () => clock.now();
  return [
    defineRoute({
      method: "get",
      path: "/oncall/rotations",
      tag: "on-call",
      roles: STAFF,
      summary: "List on-call rotations",
      response: z.array(RotationView),
      handler: () => listRotations(deps),
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
    ...resourceRoutes({
      path: "/oncall/rotations/:id",
      tag: "on-call",
      view: RotationView,
      get: {
        roles: STAFF,
        summary: "Get a rotation with its overrides",
        view: RotationDetail,
        run: ({ id }) => getRotationDetail(deps, id),
      },
      patch: {
        roles: MANAGE,
        summary: "Change a rotation",
        body: RotationPatch,
        run: ({ actor, id }, body) => updateRotation(deps, actor, id, body, now()),
      },
      delete: {
        roles: MANAGE,
        summary: "Delete a rotation and its overrides",
        run: ({ actor, id }) => deleteRotation(deps, actor, id, now()),
      },
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
      handler: ({ query }) => whoIsOnCall(deps, query.at ? new Date(query.at) : now()),
    }),
    defineRoute({
      method: "get",
      path: "/oncall/handover-notes",
      tag: "on-call",
      roles: STAFF,
      summary: "List hand-over notes, newest first",
      query: Pagination.extend({ rotationId: z.uuid().optional() }),
      response: page(HandoverNoteView),
      handler: ({ query }) => listHandoverNotes(deps, query),
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
