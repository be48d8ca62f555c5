import { z } from "zod";
import { scopeOf, type UserRole } from "../access/actor.js";
import { defineRoute, IdParams, page, Pagination, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import type { BillingDeps } from "./billing.store.js";
import type { CloseDeps } from "./close/close.store.js";
import { runMonthlyClose } from "./close/run-close.js";
import { invoiceCsv } from "./export/invoice-csv.js";
import { invoiceHtml, type Seller } from "./export/invoice-html.js";
import { getInvoice, listInvoices, reviseInvoiceById } from "./invoices.js";
import {
  InvoiceSummary,
  InvoiceView,
  toInvoiceSummary,
  toInvoiceView,
  YearMonth,
} from "./views.js";

export interface InvoicesDeps {
  billing: BillingDeps;
  /** The close, with the outbox's invoice-notice hook run in its insert transaction. */
  close: CloseDeps;
  clock: Clock;
  seller: Seller;
}

const READ: readonly UserRole[] = ["admin", "noc", "customer"];
const InvoiceFilter = Pagination.extend({
  contractId: z.uuid().optional(),
  month: YearMonth.optional(),
});
const Print = z.strictObject({ lang: z.enum(["ja", "en"]).default("ja") });
const CloseRequest = z.strictObject({ month: YearMonth });
const CloseResultView = z.object({
  month: z.string(),
  considered: z.number().int(),
  issued: z.number().int(),
  failed: z.array(
    z.object({
      contractId: z.uuid(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  ),
});

export function invoicesRoutes(deps: InvoicesDeps): RouteDef[] {
  const { billing, clock } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/invoices",
      tag: "invoices",
      roles: READ,
      summary: "List invoices (every revision, newest month first)",
      query: InvoiceFilter,
      response: page(InvoiceSummary),
      handler: async ({ actor, query }) => {
        const { rows, total } = await listInvoices(billing, scopeOf(actor), query);
        return {
          items: rows.map(toInvoiceSummary),
          total,
          limit: query.limit,
          offset: query.offset,
        };
      },
    }),
    // Declared before /invoices/:id so that "…/<id>.csv" reaches them.
    defineRoute({
      method: "get",
      path: "/invoices/:id.csv",
      tag: "invoices",
      roles: READ,
      summary: "Export an invoice as CSV",
      params: IdParams,
      produces: "text/csv",
      handler: async ({ actor, params, res }) => {
        const invoice = await getInvoice(billing, scopeOf(actor), params.id);
        res
          .status(200)
          .type("text/csv; charset=utf-8")
          .attachment(`invoice-${invoice.month}-r${invoice.revision}.csv`)
          .send(invoiceCsv(invoice));
      },
    }),
    defineRoute({
      method: "get",
      path: "/invoices/:id.html",
      tag: "invoices",
      roles: READ,
      summary: "Printable invoice (Japanese or English)",
      params: IdParams,
      query: Print,
      produces: "text/html",
      handler: async ({ actor, params, query, res }) => {
        const invoice = await getInvoice(billing, scopeOf(actor), params.id);
        res
          .status(200)
          .type("text/html; charset=utf-8")
          .send(invoiceHtml(invoice, deps.seller, query.lang));
      },
    }),
    defineRoute({
      method: "get",
      path: "/invoices/:id",
      tag: "invoices",
      roles: READ,
      summary: "Get an invoice with its lines",
      params: IdParams,
      response: InvoiceView,
      handler: async ({ actor, params }) =>
        toInvoiceView(
          await getInvoice(billing, scopeOf(actor), params.id),
          actor.role !== "customer",
        ),
    }),
    defineRoute({
      method: "post",
      path: "/invoices/:id/revise",
      tag: "invoices",
      roles: ["admin"],
      summary: "Issue the next revision of an invoice's month",
      status: 201,
      params: IdParams,
      body: z.strictObject({ reason: z.string().trim().min(1).max(2000) }),
      response: InvoiceView,
      handler: async ({ actor, params, body }) =>
        toInvoiceView(
          await reviseInvoiceById(deps, actor, params.id, body.reason, clock.now()),
          true,
        ),
    }),
    defineRoute({
      method: "post",
      path: "/billing/close",
      tag: "billing",
      roles: ["admin"],
      summary: "Run the monthly close of an ended month (idempotent)",
      body: CloseRequest,
      response: CloseResultView,
      handler: ({ actor, body }) =>
        runMonthlyClose({ deps: deps.close, month: body.month, now: clock.now(), actor }),
    }),
  ];
}
