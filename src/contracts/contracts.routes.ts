// The contracts API: applications and decisions, contacts, runbooks, components and agent
// tokens. Routes validate, call a use case and shape the response; persistence is in the stores.
import { z } from "zod";
import { scopeOf, USER_ROLES, type UserRole } from "../access/actor.js";
import {
  defineRoute,
  resourceRoutes,
  IdParams,
  page,
  Pagination,
  type RouteDef,
} from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import {
  AgentTokenView,
  issueContractToken,
  listAgentTokens,
  revokeAgentToken,
  rotateComponentToken,
} from "./agent-tokens.js";
import { addComponent, ComponentPatch, NewComponent, updateComponent } from "./components.js";
import { listContacts, replaceContacts } from "./contacts.js";
import type { ContractsDeps } from "./deps.js";
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
import {
  cancellationDeadline,
  getComponentView,
  getContractView,
  listComponents,
  listContracts,
} from "./read-contracts.js";
import { addRunbookVersion, getRunbook, listRunbooks, NewRunbookVersion } from "./runbooks.js";
import {
  ComponentView,
  ContactInput,
  ContactView,
  ContractView,
  IsoDate,
  Plan,
  RunbookView,
} from "./views.js";

export type ContractsRouteDeps = ContractsDeps & { clock: Clock };

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

export function contractsRoutes(deps: ContractsRouteDeps): RouteDef[] {
  return [
    ...applicationRoutes(deps),
    ...contactRoutes(deps),
    ...runbookRoutes(deps),
    ...componentRoutes(deps),
    ...agentTokenRoutes(deps),
  ];
}

function applicationRoutes(deps: ContractsRouteDeps): RouteDef[] {
  const now = () => deps.clock.now();
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
      handler: ({ actor, query }) => listContracts(deps, scopeOf(actor), query),
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id",
      tag: "contracts",
      roles: ALL,
      summary: "Get a contract",
      params: IdParams,
      response: ContractView,
      handler: ({ actor, params }) => getContractView(deps, scopeOf(actor), params.id),
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
      handler: ({ actor, params, query }) =>
        cancellationDeadline(deps, scopeOf(actor), params.id, query.desiredDate),
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
  ];
}

function contactRoutes(deps: ContractsRouteDeps): RouteDef[] {
  return [
    defineRoute({
      method: "get",
      path: "/contracts/:id/contacts",
      tag: "contacts",
      roles: ALL,
      summary: "List contacts",
      params: IdParams,
      response: z.array(ContactView),
      handler: ({ actor, params }) => listContacts(deps, scopeOf(actor), params.id),
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
        replaceContacts(deps, actor, scopeOf(actor), params.id, body, deps.clock.now()),
    }),
  ];
}

function runbookRoutes(deps: ContractsRouteDeps): RouteDef[] {
  return [
    defineRoute({
      method: "get",
      path: "/contracts/:id/runbooks",
      tag: "runbooks",
      roles: ALL,
      summary: "List runbook versions",
      params: IdParams,
      response: z.array(RunbookView),
      handler: ({ actor, params }) => listRunbooks(deps, scopeOf(actor), params.id),
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
        addRunbookVersion(deps, actor, scopeOf(actor), params.id, body, deps.clock.now()),
    }),
    defineRoute({
      method: "get",
      path: "/runbooks/:id",
      tag: "runbooks",
      roles: ALL,
      summary: "Get a runbook version with its content",
      params: IdParams,
      response: RunbookView.extend({ content: z.string() }),
      handler: ({ actor, params }) => getRunbook(deps, scopeOf(actor), params.id),
    }),
  ];
}

function componentRoutes(deps: ContractsRouteDeps): RouteDef[] {
  const now = () => deps.clock.now();
  return [
    defineRoute({
      method: "get",
      path: "/contracts/:id/components",
      tag: "components",
      roles: ALL,
      summary: "List a contract's components",
      params: IdParams,
      query: Pagination,
      response: page(ComponentView),
      handler: ({ actor, params, query }) => listComponents(deps, scopeOf(actor), params.id, query),
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
    ...resourceRoutes({
      path: "/components/:id",
      tag: "components",
      view: ComponentView,
      get: {
        roles: ALL,
        summary: "Get a component",
        run: ({ actor, id }) => getComponentView(deps, scopeOf(actor), id),
      },
      patch: {
        roles: MANAGE,
        summary: "Change a component (OS, cap relaxation steps, end date)",
        body: ComponentPatch,
        run: ({ actor, id }, body) => updateComponent(deps, actor, scopeOf(actor), id, body, now()),
      },
    }),
  ];
}

function agentTokenRoutes(deps: ContractsRouteDeps): RouteDef[] {
  const now = () => deps.clock.now();
  return [
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
      handler: ({ actor, params }) => listAgentTokens(deps, scopeOf(actor), params.id),
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
