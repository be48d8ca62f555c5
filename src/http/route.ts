import type { Request, Response } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import type { Actor, UserRole } from "../access/actor.js";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export interface HandlerContext<P, Q, B> {
  actor: Actor;
  params: P;
  query: Q;
  body: B;
  requestId: string;
  log: Logger;
  req: Request;
  res: Response;
}

/**
 * One declaration per route: the schemas validate the request AND generate the OpenAPI
 * document, so the two can never drift apart.
 */
export interface RouteDef<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  /** Express-style path below /api/v1, e.g. `/contracts/:contractId`. */
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed; "public" needs no credentials. */
  roles: readonly UserRole[] | "public";
  params?: P;
  query?: Q;
  body?: B;
  response?: z.ZodType;
  /**
   * Usable by a user who must still replace a one-time password (change it, log out, read
   * themself); every other route refuses such a user (403, reason password_change_required).
   */
  allowWhilePasswordChangeRequired?: boolean;
  /** Success status; 204 sends no body. */
  status?: 200 | 201 | 202 | 204;
  /** Non-JSON responses (CSV, HTML) write to `res` themselves and declare their type. */
  produces?: string;
  handler: (ctx: HandlerContext<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<unknown>;
}

// The identity function keeps each route's generic types inferred from its schemas.
export const defineRoute = <P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  def: RouteDef<P, Q, B>,
): RouteDef => def;

export const Uuid = z.uuid();
export const IdParams = z.object({ id: Uuid });

export const Pagination = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type Pagination = z.infer<typeof Pagination>;

export const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  });

/**
 * A resource's routes by id, declared once: GET reads it, PATCH changes it, DELETE removes
 * it (204, no body). Each is optional; the path, tag and id parameter are shared.
 */
export function resourceRoutes<B extends z.ZodType>(r: {
  path: string;
  tag: string;
  view: z.ZodType;
  get?: {
    roles: readonly UserRole[];
    summary: string;
    /** When reading shows more than a change returns (a rotation with its overrides). */
    view?: z.ZodType;
    run: (at: ById) => Promise<unknown>;
  };
  patch?: {
    roles: readonly UserRole[];
    summary: string;
    body: B;
    run: (at: ById, body: z.infer<B>) => Promise<unknown>;
  };
  delete?: { roles: readonly UserRole[]; summary: string; run: (at: ById) => Promise<unknown> };
}): RouteDef[] {
  const at = (ctx: { actor: Actor; params: { id: string } }): ById => ({
    actor: ctx.actor,
    id: ctx.params.id,
  });
  const common = { path: r.path, tag: r.tag, params: IdParams };
  return [
    ...(r.get
      ? [
          defineRoute({
            ...common,
            method: "get",
            roles: r.get.roles,
            summary: r.get.summary,
            response: r.get.view ?? r.view,
            handler: (ctx) => r.get!.run(at(ctx)),
          }),
        ]
      : []),
    ...(r.patch
      ? [
          defineRoute({
            ...common,
            method: "patch",
            roles: r.patch.roles,
            summary: r.patch.summary,
            body: r.patch.body,
            response: r.view,
            handler: (ctx) => r.patch!.run(at(ctx), ctx.body),
          }),
        ]
      : []),
    ...(r.delete
      ? [
          defineRoute({
            ...common,
            method: "delete",
            roles: r.delete.roles,
            summary: r.delete.summary,
            status: 204,
            handler: (ctx) => r.delete!.run(at(ctx)),
          }),
        ]
      : []),
  ];
}

/** Who acts on which resource, for `resourceRoutes`' handlers. */
export interface ById {
  actor: Actor;
  id: string;
}
