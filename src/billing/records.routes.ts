// Billing records beside the invoices: payments, liability claims, service fees.
import type { DataSource } from "typeorm";
import { z } from "zod";
import { scopeOf, type UserRole } from "../access/actor.js";
import { getContract } from "../contracts/scoped.js";
import { LiabilityCreditEntity, PaymentEntity, ServiceFeeEntity } from "../db/entities/index.js";
import { creditMonth } from "../domain/billing/extras.js";
import { defineRoute, IdParams, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import { NewLiabilityCredit, recordLiabilityCredit } from "./liability-credits.js";
import { NewPayment, recordPayment } from "./payments.js";
import { getInvoice } from "./scoped.js";
import { addServiceFee, endServiceFee, NewServiceFee, ServiceFeeEnd } from "./service-fees.js";
import {
  LiabilityCreditView,
  PaymentView,
  ServiceFeeView,
  toLiabilityCreditView,
  toPaymentView,
  toServiceFeeView,
} from "./views.js";

const READ: readonly UserRole[] = ["admin", "noc", "customer"];
const ADMIN: readonly UserRole[] = ["admin"];

export function billingRecordsRoutes(deps: { db: DataSource; clock: Clock }): RouteDef[] {
  const { db, clock } = deps;
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
      handler: ({ actor, params, body }) => recordPayment(deps, actor, params.id, body, now()),
    }),
    defineRoute({
      method: "get",
      path: "/invoices/:id/payments",
      tag: "payments",
      roles: READ,
      summary: "List an invoice's payments",
      params: IdParams,
      response: z.array(PaymentView),
      handler: async ({ actor, params }) => {
        await getInvoice(db.manager, scopeOf(actor), params.id);
        return (
          await db
            .getRepository(PaymentEntity)
            .find({ where: { invoiceId: params.id }, order: { paidDate: "ASC", createdAt: "ASC" } })
        ).map(toPaymentView);
      },
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
        recordLiabilityCredit(deps, actor, params.id, body, now()),
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id/liability-credits",
      tag: "liability-credits",
      roles: READ,
      summary: "List a contract's liability credits",
      params: IdParams,
      response: z.array(LiabilityCreditView),
      handler: async ({ actor, params }) => {
        await getContract(db.manager, scopeOf(actor), params.id);
        const rows = await db.getRepository(LiabilityCreditEntity).find({
          where: { contractId: params.id },
          order: { damageDate: "DESC", createdAt: "DESC" },
        });
        return rows.map((r) => toLiabilityCreditView(r, creditMonth(r.damageDate)));
      },
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
      handler: ({ actor, params, body }) => addServiceFee(deps, actor, params.id, body, now()),
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id/service-fees",
      tag: "service-fees",
      roles: READ,
      summary: "List a contract's service fees",
      params: IdParams,
      response: z.array(ServiceFeeView),
      handler: async ({ actor, params }) => {
        await getContract(db.manager, scopeOf(actor), params.id);
        return (
          await db.getRepository(ServiceFeeEntity).find({
            where: { contractId: params.id },
            order: { fromMonth: "ASC", createdAt: "ASC" },
          })
        ).map(toServiceFeeView);
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
      handler: ({ actor, params, body }) => endServiceFee(deps, actor, params.id, body, now()),
    }),
  ];
}
