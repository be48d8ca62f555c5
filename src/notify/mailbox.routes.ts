// The local mailbox of the embedded default (no SMTP_URL): what customers would have received.
import type { DataSource } from "typeorm";
import { scopeOf, type UserRole } from "../access/actor.js";
import { MailboxMessageEntity } from "../db/entities/index.js";
import { defineRoute, IdParams, page, Pagination, Uuid, type RouteDef } from "../http/route.js";
import { notFound } from "../shared/errors.js";
import { MailboxMessageView, MailboxSummary, toMailboxSummary, toMailboxView } from "./views.js";

const READERS: readonly UserRole[] = ["admin", "noc", "customer"];
const Filter = Pagination.extend({ contractId: Uuid.optional() });

export function mailboxRoutes(deps: { db: DataSource }): RouteDef[] {
  const { db } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/mailbox",
      tag: "notifications",
      roles: READERS,
      summary: "Messages the local mailbox received (staff: all; customers: their contract's)",
      query: Filter,
      response: page(MailboxSummary),
      handler: async ({ actor, query }) => {
        const scope = scopeOf(actor);
        const contractId = scope.kind === "contract" ? scope.contractId : query.contractId;
        const [rows, total] = await db.getRepository(MailboxMessageEntity).findAndCount({
          where: contractId ? { contractId } : {},
          order: { receivedAt: "DESC", id: "ASC" },
          take: query.limit,
          skip: query.offset,
        });
        return {
          items: rows.map(toMailboxSummary),
          total,
          limit: query.limit,
          offset: query.offset,
        };
      },
    }),
    defineRoute({
      method: "get",
      path: "/mailbox/:id",
      tag: "notifications",
      roles: READERS,
      summary: "One mailbox message with its text, HTML and threading headers",
      params: IdParams,
      response: MailboxMessageView,
      handler: async ({ actor, params }) => {
        const scope = scopeOf(actor);
        const where =
          scope.kind === "all"
            ? { id: params.id }
            : { id: params.id, contractId: scope.contractId };
        const row = await db.getRepository(MailboxMessageEntity).findOneBy(where);
        if (!row) throw notFound("mailbox message");
        return toMailboxView(row);
      },
    }),
  ];
}
