import { z } from "zod";
import { defineRoute, page, Pagination, type RouteDef } from "../http/route.js";
import type { AuditStore } from "./audit.store.js";

const AuditView = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  contractId: z.uuid().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
});

export function auditRoutes(deps: { audit: AuditStore }): RouteDef[] {
  return [
    defineRoute({
      method: "get",
      path: "/audit-log",
      tag: "audit",
      roles: ["admin", "noc"],
      summary: "Read the audit log (newest first)",
      query: Pagination.extend({
        contractId: z.uuid().optional(),
        entityType: z.string().max(50).optional(),
        entityId: z.string().max(100).optional(),
      }),
      response: page(AuditView),
      handler: async ({ query }) => {
        const { limit, offset, ...filters } = query;
        const { rows, total } = await deps.audit.list(filters, { limit, offset });
        return { items: rows.map((r) => ({ ...r, at: r.at.toISOString() })), total, limit, offset };
      },
    }),
  ];
}
