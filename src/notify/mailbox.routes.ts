// The local mailbox of the embedded default (no SMTP_URL): what customers would have received.
import { scopeOf, type UserRole } from "../access/actor.js";
import {
  defineRoute,
  page,
  Pagination,
  resourceRoutes,
  Uuid,
  type RouteDef,
} from "../http/route.js";
import { getMailboxMessage, listMailbox } from "./mailbox.js";
import type { MailboxStore } from "./mailbox.store.js";
import { MailboxMessageView, MailboxSummary } from "./views.js";

const READERS: readonly UserRole[] = ["admin", "noc", "customer"];
const Filter = Pagination.extend({ contractId: Uuid.optional() });

export function mailboxRoutes(deps: { mailbox: MailboxStore }): RouteDef[] {
  const { mailbox } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/mailbox",
      tag: "notifications",
      roles: READERS,
      summary: "Messages the local mailbox received (staff: all; customers: their contract's)",
      query: Filter,
      response: page(MailboxSummary),
      handler: ({ actor, query }) => listMailbox(mailbox, scopeOf(actor), query),
    }),
    ...resourceRoutes({
      path: "/mailbox/:id",
      tag: "notifications",
      view: MailboxMessageView,
      get: {
        roles: READERS,
        summary: "One mailbox message with its text, HTML and threading headers",
        run: ({ actor, id }) => getMailboxMessage(mailbox, scopeOf(actor), id),
      },
    }),
  ];
}
