// Billing records beside the invoices: payments, liability claims, service fees.
import { z } from "zod";
import { scopeOf, type Actor, type ContractScope, type UserRole } from "../access/actor.js";
import { defineRoute, IdParams, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import type { BillingDeps } from "./billing.store.js";
import {
  listLiabilityCredits,
  NewLiabilityCredit,
  recordLiabilityCredit,
} from "./liability-credits.js";
import { listPayments, NewPayment, recordPayment } from "./payments.js";
import {
  addServiceFee,
  endServiceFee,
  listServiceFees,
  NewServiceFee,
  ServiceFeeEnd,
} from "./service-fees.js";
import { LiabilityCreditView, PaymentView, ServiceFeeView } from "./views.js";

const READ: readonly UserRole[] = ["admin", "noc", "customer"];
const ADMIN: readonly UserRole[] = ["admin"];

/**
 * One kind of record under a parent (`/invoices/:id/payments`…): POST records one (admin
 * only), GET lists the parent's records (staff, and the customer its own).
 */
function recordRoutes<B extends z.ZodType>(r: {
  path: string;
  tag: string;
  view: z.ZodType;
  body: B;
  record: {
    summary: string;
    run: (actor: Actor, parentId: string, body: z.infer<B>) => Promise<unknown>;
  };
  list: { summary: string; run: (scope: ContractScope, parentId: string) => Promise<unknown> };
}): RouteDef[] {
  return [
    defineRoute({
      method: "post",
      path: r.path,
      tag: r.tag,
      roles: ADMIN,
      summary: r.record.summary,
      status: 201,
      params: IdParams,
      body: r.body,
      response: r.view,
      handler: ({ actor, params, body }) => r.record.run(actor, params.id, body),
    }),
    defineRoute({
      method: "get",
      path: r.path,
      tag: r.tag,
      roles: READ,
      summary: r.list.summary,
      params: IdParams,
      response: z.array(r.view),
      handler: ({ actor, params }) => r.list.run(scopeOf(actor), params.id),
    }),
  ];
}

export function billingRecordsRoutes(deps: { billing: BillingDeps; clock: Clock }): RouteDef[] {
  const { billing, clock } = deps;
  const now = () => clock.now();
  return [
    ...recordRoutes({
      path: "/invoices/:id/payments",
      tag: "payments",
      view: PaymentView,
      body: NewPayment,
      record: {
        summary: "Record a payment of an invoice",
        run: (actor, id, body) => recordPayment(billing, actor, id, body, now()),
      },
      list: {
        summary: "List an invoice's payments",
        run: (scope, id) => listPayments(billing, scope, id),
      },
    }),
    ...recordRoutes({
      path: "/contracts/:id/liability-credits",
      tag: "liability-credits",
      view: LiabilityCreditView,
      body: NewLiabilityCredit,
      record: {
        summary: "Record a liability claim (Art. 21; refused after 30 days)",
        run: (actor, id, body) => recordLiabilityCredit(billing, actor, id, body, now()),
      },
      list: {
        summary: "List a contract's liability credits",
        run: (scope, id) => listLiabilityCredits(billing, scope, id),
      },
    }),
    ...recordRoutes({
      path: "/contracts/:id/service-fees",
      tag: "service-fees",
      view: ServiceFeeView,
      body: NewServiceFee,
      record: {
        summary: "Add a monthly service fee to a contract",
        run: (actor, id, body) => addServiceFee(billing, actor, id, body, now()),
      },
      list: {
        summary: "List a contract's service fees",
        run: (scope, id) => listServiceFees(billing, scope, id),
      },
    }),
    defineRoute({
      method: "post",
      path: "/service-fees/:id/end",
      tag: "service-fees",
      roles: ADMIN,
      summary: "End a service fee after a month",
      params: IdParams,
      body: ServiceFeeEnd,
      response: ServiceFeeView,
      handler: ({ actor, params, body }) => endServiceFee(billing, actor, params.id, body, now()),
    }),
  ];
}
