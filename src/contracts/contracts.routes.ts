import type { DataSource } from "typeorm";
import { z } from "zod";
import { scopeOf, USER_ROLES, type UserRole } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import {
  AgentTokenEntity,
  ComponentEntity,
  ContactEntity,
  ContractEntity,
  RunbookEntity,
} from "../db/entities/index.js";
import { cancellationNoticeDeadline } from "../domain/contracts/terms.js";
import { defineRoute, IdParams, page, Pagination, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import { notFound } from "../shared/errors.js";
import {
  AgentTokenView,
  addComponent,
  ComponentPatch,
  issueContractToken,
  NewComponent,
  revokeAgentToken,
  rotateComponentToken,
  toTokenView,
  updateComponent,
} from "./components.js";
import {
  Acceptance,
  acceptApplication,
  applyForContract,
  CancellationNotice,
  giveCancellationNotice,
  NewApplication,
  Rejection,
  rejectApplication,
} from "./lifecycle.js";
import { addRunbookVersion, NewRunbookVersion } from "./runbooks.js";
import { getComponent, getContract } from "./scoped.js";
import {
  ComponentView,
  ContactInput,
  ContactView,
  ContractView,
  IsoDate,
  Plan,
  RunbookView,
  toComponentView,
  toContactView,
  toContractView,
  toRunbookView,
} from "./views.js";

export interface ContractsDeps {
  db: DataSource;
  clock: Clock;
}

const ALL = USER_ROLES;
const MANAGE: readonly UserRole[] = ["admin", "noc"];
const OWN: readonly UserRole[] = ["admin", "noc", "customer"];
const ContractFilter = Pagination.extend({
  status: z.enum(["applied", "active", "terminated", "rejected"]).optional(),
  plan: Plan.optional(),
});
const WithSecret = AgentTokenView.extend({
  token: z.string().describe("shown once; only its hash is stored"),
});

export function contractsRoutes(deps: ContractsDeps): RouteDef[] {
  const { db, clock } = deps;
  const now = () => clock.now();
  return [
    defineRoute({
      method: "post",
      path: "/contracts",
      tag: "contracts",
      roles: MANAGE,
      summary: "Register a contract application",
      status: 201,
      body: NewApplication,
      response: ContractView,
      handler: ({ actor, body }) => applyForContract(deps, actor, body, now()),
    }),
    defineRoute({
      method: "get",
      path: "/contracts",
      tag: "contracts",
      roles: ALL,
      summary: "List contracts",
      query: ContractFilter,
      response: page(ContractView),
      handler: async ({ actor, query }) => {
        const scope = scopeOf(actor);
        const where = {
          ...(scope.kind === "contract" ? { id: scope.contractId } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...(query.plan ? { plan: query.plan } : {}),
        };
        const [rows, total] = await db.getRepository(ContractEntity).findAndCount({
          where,
          order: { createdAt: "ASC" },
          take: query.limit,
          skip: query.offset,
        });
        return { items: rows.map(toContractView), total, limit: query.limit, offset: query.offset };
      },
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id",
      tag: "contracts",
      roles: ALL,
      summary: "Get a contract",
      params: IdParams,
      response: ContractView,
      handler: async ({ actor, params }) =>
        toContractView(await getContract(db.manager, scopeOf(actor), params.id)),
    }),
    defineRoute({
      method: "post",
      path: "/contracts/:id/accept",
      tag: "contracts",
      roles: MANAGE,
      summary: "Accept an application",
      params: IdParams,
      body: Acceptance,
      response: ContractView,
      handler: ({ actor, params, body }) => acceptApplication(deps, actor, params.id, body, now()),
    }),
    defineRoute({
      method: "post",
      path: "/contracts/:id/reject",
      tag: "contracts",
      roles: MANAGE,
      summary: "Reject an application",
      params: IdParams,
      body: Rejection,
      response: ContractView,
      handler: ({ actor, params, body }) =>
        rejectApplication(deps, actor, params.id, body.reason, now()),
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id/cancellation-deadline",
      tag: "contracts",
      roles: ALL,
      summary: "Notice deadline for a desired termination date",
      params: IdParams,
      query: z.strictObject({ desiredDate: IsoDate }),
      response: z.object({ desiredDate: IsoDate, deadline: IsoDate }),
      handler: async ({ actor, params, query }) => {
        await getContract(db.manager, scopeOf(actor), params.id);
        return {
          desiredDate: query.desiredDate,
          deadline: cancellationNoticeDeadline(query.desiredDate),
        };
      },
    }),
    defineRoute({
      method: "post",
      path: "/contracts/:id/cancellation-notice",
      tag: "contracts",
      roles: OWN,
      summary: "Give cancellation notice",
      params: IdParams,
      body: CancellationNotice,
      response: z.object({ contract: ContractView, deadline: IsoDate }),
      handler: ({ actor, params, body }) =>
        giveCancellationNotice(deps, actor, scopeOf(actor), params.id, body, now()),
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id/contacts",
      tag: "contacts",
      roles: ALL,
      summary: "List contacts",
      params: IdParams,
      response: z.array(ContactView),
      handler: async ({ actor, params }) => {
        await getContract(db.manager, scopeOf(actor), params.id);
        return (
          await db
            .getRepository(ContactEntity)
            .find({ where: { contractId: params.id }, order: { email: "ASC" } })
        ).map(toContactView);
      },
    }),
    defineRoute({
      method: "put",
      path: "/contracts/:id/contacts",
      tag: "contacts",
      roles: OWN,
      summary: "Replace contacts",
      params: IdParams,
      body: z.array(ContactInput).min(1).max(20),
      response: z.array(ContactView),
      handler: ({ actor, params, body }) =>
        db.transaction(async (tx) => {
          await getContract(tx, scopeOf(actor), params.id, { lock: true });
          const before = (await tx.findBy(ContactEntity, { contractId: params.id })).map(
            toContactView,
          );
          await tx.delete(ContactEntity, { contractId: params.id });
          await tx.insert(
            ContactEntity,
            body.map((c) => ({ ...c, contractId: params.id })),
          );
          const after = (
            await tx.find(ContactEntity, {
              where: { contractId: params.id },
              order: { email: "ASC" },
            })
          ).map(toContactView);
          await recordAudit(tx, {
            actor,
            at: now(),
            action: "contacts.replace",
            entityType: "contract",
            entityId: params.id,
            contractId: params.id,
            before: { contacts: before },
            after: { contacts: after },
          });
          return after;
        }),
    }),

    defineRoute({
      method: "get",
      path: "/contracts/:id/runbooks",
      tag: "runbooks",
      roles: ALL,
      summary: "List runbook versions",
      params: IdParams,
      response: z.array(RunbookView),
      handler: async ({ actor, params }) => {
        await getContract(db.manager, scopeOf(actor), params.id);
        return (
          await db.getRepository(RunbookEntity).find({
            where: { contractId: params.id },
            order: { kind: "ASC", name: "ASC", version: "ASC" },
          })
        ).map(toRunbookView);
      },
    }),
    defineRoute({
      method: "post",
      path: "/contracts/:id/runbooks",
      tag: "runbooks",
      roles: OWN,
      summary: "Upload a runbook version",
      status: 201,
      params: IdParams,
      body: NewRunbookVersion,
      response: RunbookView,
      handler: ({ actor, params, body }) =>
        addRunbookVersion(deps, actor, scopeOf(actor), params.id, body, now()),
    }),
    defineRoute({
      method: "get",
      path: "/runbooks/:id",
      tag: "runbooks",
      roles: ALL,
      summary: "Get a runbook version with its content",
      params: IdParams,
      response: RunbookView.extend({ content: z.string() }),
      handler: async ({ actor, params }) => {
        const scope = scopeOf(actor);
        const row = await db
          .getRepository(RunbookEntity)
          .findOneBy(
            scope.kind === "all"
              ? { id: params.id }
              : { id: params.id, contractId: scope.contractId },
          );
        if (!row) throw notFound("runbook");
        return { ...toRunbookView(row), content: row.content };
      },
    }),

    defineRoute({
      method: "get",
      path: "/contracts/:id/components",
      tag: "components",
      roles: ALL,
      summary: "List a contract's components",
      params: IdParams,
      query: Pagination,
      response: page(ComponentView),
      handler: async ({ actor, params, query }) => {
        await getContract(db.manager, scopeOf(actor), params.id);
        const [rows, total] = await db.getRepository(ComponentEntity).findAndCount({
          where: { contractId: params.id },
          order: { name: "ASC" },
          take: query.limit,
          skip: query.offset,
        });
        return {
          items: rows.map(toComponentView),
          total,
          limit: query.limit,
          offset: query.offset,
        };
      },
    }),
    defineRoute({
      method: "post",
      path: "/contracts/:id/components",
      tag: "components",
      roles: MANAGE,
      summary: "Add a component (VM)",
      status: 201,
      params: IdParams,
      body: NewComponent,
      response: ComponentView,
      handler: ({ actor, params, body }) =>
        addComponent(deps, actor, scopeOf(actor), params.id, body, now()),
    }),
    defineRoute({
      method: "get",
      path: "/components/:id",
      tag: "components",
      roles: ALL,
      summary: "Get a component",
      params: IdParams,
      response: ComponentView,
      handler: async ({ actor, params }) =>
        toComponentView(await getComponent(db.manager, scopeOf(actor), params.id)),
    }),
    defineRoute({
      method: "patch",
      path: "/components/:id",
      tag: "components",
      roles: MANAGE,
      summary: "Change a component (OS, cap relaxation steps, end date)",
      params: IdParams,
      body: ComponentPatch,
      response: ComponentView,
      handler: ({ actor, params, body }) =>
        updateComponent(deps, actor, scopeOf(actor), params.id, body, now()),
    }),
    defineRoute({
      method: "post",
      path: "/components/:id/agent-token",
      tag: "agent tokens",
      roles: OWN,
      summary: "Issue or rotate a component's agent token",
      status: 201,
      params: IdParams,
      response: WithSecret,
      handler: ({ actor, params }) =>
        rotateComponentToken(deps, actor, scopeOf(actor), params.id, now()),
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id/agent-tokens",
      tag: "agent tokens",
      roles: OWN,
      summary: "List a contract's agent tokens",
      params: IdParams,
      response: z.array(AgentTokenView),
      handler: async ({ actor, params }) => {
        await getContract(db.manager, scopeOf(actor), params.id);
        return (
          await db
            .getRepository(AgentTokenEntity)
            .find({ where: { contractId: params.id }, order: { createdAt: "ASC" } })
        ).map(toTokenView);
      },
    }),
    defineRoute({
      method: "post",
      path: "/contracts/:id/agent-tokens",
      tag: "agent tokens",
      roles: OWN,
      summary: "Issue a per-contract ingest token",
      status: 201,
      params: IdParams,
      response: WithSecret,
      handler: ({ actor, params }) =>
        issueContractToken(deps, actor, scopeOf(actor), params.id, now()),
    }),
    defineRoute({
      method: "delete",
      path: "/agent-tokens/:id",
      tag: "agent tokens",
      roles: OWN,
      summary: "Revoke an agent token",
      params: IdParams,
      response: AgentTokenView,
      handler: ({ actor, params }) =>
        revokeAgentToken(deps, actor, scopeOf(actor), params.id, now()),
    }),
  ];
}
