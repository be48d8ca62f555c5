// The contract lifecycle's API (issue 15): plan changes, suspension, renewal objections,
// termination with its reason, customer notices and the inquiry hours.
import { z } from "zod";
import { scopeOf, USER_ROLES, type UserRole } from "../access/actor.js";
import { isBusinessDay } from "../domain/calendar/business-days.js";
import { TERMINATION_REASONS } from "../domain/contracts/service-state.js";
import { jstDateOf } from "../domain/time/jst.js";
import { defineRoute, IdParams, type RouteDef } from "../http/route.js";
import { terminateContract } from "./lifecycle.js";
import {
  changePlan,
  liftSuspension,
  listPlanChanges,
  objectToRenewal,
  PlanChangeInput,
  PlanChangeView,
  RenewalObjectionInput,
  SuspensionInput,
  suspendContract,
} from "./lifecycle-ops.js";
import { sendServiceNotice, ServiceNoticeInput } from "./service-notices.js";
import type { ContractsRouteDeps } from "./contracts.routes.js";
import { ContractView, IsoDate } from "./views.js";

const MANAGE: readonly UserRole[] = ["admin", "noc"];
const OWN: readonly UserRole[] = ["admin", "noc", "customer"];

/** Appx 1, 1.3: general inquiries on business days 09:00–17:00 JST; faults 24/365. */
export const INQUIRY_HOURS = { opens: "09:00", closes: "17:00", timeZone: "Asia/Tokyo" } as const;

export function inquiryStatus(now: Date) {
  const today = jstDateOf(now.getTime());
  const jstTime = new Date(now.getTime() + 9 * 3_600_000).toISOString().slice(11, 16);
  const open =
    isBusinessDay(today) && jstTime >= INQUIRY_HOURS.opens && jstTime < INQUIRY_HOURS.closes;
  return {
    inquiries: {
      ...INQUIRY_HOURS,
      days: "business days: Monday–Friday except Japanese public holidays, 29 Dec–3 Jan and 1 May",
      daysJa: "営業日 (土日・祝日・12月29日〜1月3日・5月1日を除く月〜金)",
      openNow: open,
    },
    faultReception: { hours: "24 hours a day, 365 days a year", openNow: true },
  };
}

const Termination = z
  .strictObject({ reason: z.enum(TERMINATION_REASONS).default("customer") })
  .optional();

export function lifecycleRoutes(deps: ContractsRouteDeps): RouteDef[] {
  const now = () => deps.clock.now();
  return [
    defineRoute({
      method: "post",
      path: "/contracts/:id/terminate",
      tag: "contracts",
      roles: ["admin"],
      summary:
        "Terminate a contract with its reason (customer, provider_fault, non_payment, term_end): revokes tokens, deletes personal data",
      params: IdParams,
      body: Termination,
      response: ContractView,
      handler: ({ actor, params, body }) =>
        terminateContract(deps, actor, params.id, now(), body?.reason ?? "customer"),
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id/plan-changes",
      tag: "contracts",
      roles: USER_ROLES,
      summary: "Plan history of a contract (effective months)",
      params: IdParams,
      response: z.array(PlanChangeView),
      handler: ({ actor, params }) => listPlanChanges(deps, scopeOf(actor), params.id),
    }),
    defineRoute({
      method: "post",
      path: "/contracts/:id/plan-changes",
      tag: "contracts",
      roles: MANAGE,
      summary:
        "Change the plan from a month (now or later); a downgrade inside the minimum term is charged",
      status: 201,
      params: IdParams,
      body: PlanChangeInput,
      response: z.object({ contract: ContractView, change: PlanChangeView }),
      handler: ({ actor, params, body }) => changePlan(deps, actor, params.id, body, now()),
    }),
    defineRoute({
      method: "post",
      path: "/contracts/:id/suspension",
      tag: "contracts",
      roles: MANAGE,
      summary: "Suspend or restrict the service (billing continues)",
      params: IdParams,
      body: SuspensionInput,
      response: ContractView,
      handler: ({ actor, params, body }) => suspendContract(deps, actor, params.id, body, now()),
    }),
    defineRoute({
      method: "delete",
      path: "/contracts/:id/suspension",
      tag: "contracts",
      roles: MANAGE,
      summary: "Lift a suspension or restriction",
      params: IdParams,
      response: ContractView,
      handler: ({ actor, params }) => liftSuspension(deps, actor, params.id, now()),
    }),
    defineRoute({
      method: "post",
      path: "/contracts/:id/renewal-objection",
      tag: "contracts",
      roles: OWN,
      summary:
        "Object to renewal: the contract ends at the first expiry the objection is in time for",
      params: IdParams,
      body: RenewalObjectionInput,
      response: z.object({ contract: ContractView, termEnd: IsoDate, deadline: IsoDate }),
      handler: ({ actor, params, body }) =>
        objectToRenewal(deps, actor, scopeOf(actor), params.id, body, now()),
    }),
    defineRoute({
      method: "post",
      path: "/notices",
      tag: "contracts",
      roles: ["admin"],
      summary: "Notify every active customer of a change of the terms or the end of the service",
      status: 202,
      body: ServiceNoticeInput,
      response: z.object({ queued: z.number().int() }),
      handler: ({ actor, body }) => sendServiceNotice(deps, actor, body, now()),
    }),
    defineRoute({
      method: "get",
      path: "/service-info",
      tag: "contracts",
      roles: "public",
      summary: "Inquiry hours (business days 09:00–17:00 JST) and fault reception (24/365)",
      response: z.object({
        inquiries: z.object({
          opens: z.string(),
          closes: z.string(),
          timeZone: z.string(),
          days: z.string(),
          daysJa: z.string(),
          openNow: z.boolean(),
        }),
        faultReception: z.object({ hours: z.string(), openNow: z.boolean() }),
      }),
      handler: () => Promise.resolve(inquiryStatus(now())),
    }),
  ];
}
