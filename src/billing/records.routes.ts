// Billing records beside the invoices: payments, liability claims, service fees.
import { z } from "zod";
import { scopeOf, type UserRole } from "../access/actor.js";
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

export function billingRecordsRoutes(deps: { billing: BillingDeps; clock: Clock }): RouteDef[] {
  const { billing, clock } = deps;
  const now = () => clock.now();
  return [
    defineRoute({
      method: "post",
      path: "/invoices/:id/payments",
      tag: "payments",
      roles: ADMIN,
      summary: "Record a payment of an invoice",
      status: 201,
      params: IdParams,
      body: NewPayment,
      response: PaymentView,
      handler: ({ actor, params, body }) => recordPayment(billing, actor, params.id, body, now()),
    }),
    defineRoute({
      method: "get",
      path: "/invoices/:id/payments",
      tag: "payments",
      roles: READ,
      summary: "List an invoice's payments",
      params: IdParams,
      response: z.array(PaymentView),
      handler: ({ actor, params }) => listPayments(billing, scopeOf(actor), params.id),
    }),

    defineRoute({
      method: "post",
      path: "/contracts/:id/liability-credits",
      tag: "liability-credits",
      roles: ADMIN,
      summary: "Record a liability claim (Art. 21; refused after 30 days)",
      status: 201,
      params: IdParams,
      body: NewLiabilityCredit,
      response: LiabilityCreditView,
      handler: ({ actor, params, body }) =>
        recordLiabilityCredit(billing, actor, params.id, body, now()),
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id/liability-credits",
      tag: "liability-credits",
      roles: READ,
      summary: "List a contract's liability credits",
      params: IdParams,
      response: z.array(LiabilityCreditView),
      handler: ({ actor, params }) => listLiabilityCredits(billing, scopeOf(actor), params.id),
    }),

    defineRoute({
      method: "post",
      path: "/contracts/:id/service-fees",
      tag: "service-fees",
      roles: ADMIN,
      summary: "Add a monthly service fee to a contract",
      status: 201,
      params: IdParams,
      body: NewServiceFee,
      response: ServiceFeeView,
      handler: ({ actor, params, body }) => addServiceFee(billing, actor, params.id, body, now()),
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id/service-fees",
      tag: "service-fees",
      roles: READ,
      summary: "List a contract's service fees",
      params: IdParams,
      response: z.array(ServiceFeeView),
      handler: ({ actor, params }) => listServiceFees(billing, scopeOf(actor), params.id),
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
