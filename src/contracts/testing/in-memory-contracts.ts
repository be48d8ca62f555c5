// In-memory contract stores for unit tests: the same filtering, ordering, scoping and
// conflicts as the TypeORM stores, over plain arrays. Rows are copied in and out, so a use
// case that changes a row without saving it changes nothing here either.
import { randomUUID } from "node:crypto";
import { assertInScope, type ContractScope } from "../../access/actor.js";
import type { AuditEntry } from "../../audit/audit.js";
import type {
  AgentTokenEntity,
  ComponentChangeEntity,
  ComponentEntity,
  ContactEntity,
  ContractEntity,
  PlanChangeEntity,
  RunbookEntity,
} from "../../db/entities/index.js";
import { inMemoryUnitOfWork } from "../../db/unit-of-work.js";
import type { NewOutboxMessage } from "../../notify/outbox.store.js";
import { notFound } from "../../shared/errors.js";
import type { AgentTokenStore, ComponentStore } from "../component.store.js";
import type { AuditLog, ContractStore, NoticeOutbox } from "../contract.store.js";
import type { ContractsDeps } from "../deps.js";
import type { RunbookStore } from "../runbook.store.js";

const copy = <T extends object>(row: T): T => ({ ...row });
const byKeys =
  <T>(...keys: (keyof T)[]) =>
  (a: T, b: T): number => {
    for (const k of keys) {
      const x = a[k] as unknown as string | number | Date;
      const y = b[k] as unknown as string | number | Date;
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  };

/** What the fake database holds; tests read it to check what was written. */
export interface ContractsState {
  contracts: ContractEntity[];
  contacts: ContactEntity[];
  planChanges: PlanChangeEntity[];
  components: ComponentEntity[];
  componentChanges: ComponentChangeEntity[];
  tokens: AgentTokenEntity[];
  runbooks: RunbookEntity[];
  audit: AuditEntry[];
  outbox: NewOutboxMessage[];
  maintenance: { id: string; contractId: string; startsAt: Date; endsAt: Date; reason: string }[];
}

/** `now` stamps created rows (createdAt), as the database's clock would. */
export function inMemoryContracts(now: () => Date): { deps: ContractsDeps; state: ContractsState } {
  const state: ContractsState = {
    contracts: [],
    contacts: [],
    planChanges: [],
    components: [],
    componentChanges: [],
    tokens: [],
    runbooks: [],
    audit: [],
    outbox: [],
    maintenance: [],
  };
  const deps: ContractsDeps = {
    uow: inMemoryUnitOfWork,
    contracts: contractStore(state, now),
    components: componentStore(state, now),
    tokens: tokenStore(state, now),
    runbooks: runbookStore(state, now),
    audit: auditLog(state),
    outbox: outbox(state),
  };
  return { deps, state };
}

function contractStore(s: ContractsState, now: () => Date): ContractStore {
  const find = (id: string) => s.contracts.find((c) => c.id === id);
  const recipients = (c: ContractEntity) =>
    s.contacts
      .filter((k) => k.contractId === c.id)
      .map((k) => ({
        contractId: c.id,
        customerName: c.customerName,
        email: k.email,
        language: k.language,
      }));
  return {
    get: (scope, id) => {
      assertInScope(scope, id, "contract");
      const row = find(id);
      if (!row) return Promise.reject(notFound("contract"));
      return Promise.resolve(copy(row));
    },
    list: (f) => {
      const all = s.contracts
        .filter(
          (c) =>
            (!f.contractId || c.id === f.contractId) &&
            (!f.status || c.status === f.status) &&
            (!f.plan || c.plan === f.plan),
        )
        .sort(byKeys("createdAt"));
      return Promise.resolve({
        rows: all.slice(f.offset, f.offset + f.limit).map(copy),
        total: all.length,
      });
    },
    create: (_tx, c) => {
      const row = {
        ...c,
        id: randomUUID(),
        decidedAt: null,
        startDate: null,
        endDate: null,
        rejectionReason: null,
        cancellationNoticeDate: null,
        cancellationDesiredDate: null,
        terminatedAt: null,
        terminationReason: null,
        suspendedFrom: null,
        suspensionKind: null,
        suspensionReason: null,
        renewalObjectionDate: null,
        renewalObjectionBy: null,
        createdAt: now(),
        updatedAt: now(),
        version: 1,
      } as ContractEntity;
      s.contracts.push(row);
      return Promise.resolve(copy(row));
    },
    save: (_tx, row) => {
      const i = s.contracts.findIndex((c) => c.id === row.id);
      if (i < 0) return Promise.reject(new Error(`no contract ${row.id} to save`));
      const saved = { ...row, version: s.contracts[i]!.version + 1, updatedAt: now() };
      s.contracts[i] = saved;
      return Promise.resolve(copy(saved));
    },
    contacts: (contractId) =>
      Promise.resolve(
        s.contacts
          .filter((k) => k.contractId === contractId)
          .sort(byKeys("email"))
          .map(copy),
      ),
    addContacts: (_tx, contractId, contacts) => {
      for (const c of contacts) s.contacts.push({ ...c, id: randomUUID(), contractId });
      return Promise.resolve();
    },
    replaceContacts: (_tx, contractId, contacts) => {
      s.contacts = s.contacts.filter((k) => k.contractId !== contractId);
      for (const c of contacts) s.contacts.push({ ...c, id: randomUUID(), contractId });
      return Promise.resolve();
    },
    planChanges: (contractId) =>
      Promise.resolve(
        s.planChanges
          .filter((p) => p.contractId === contractId)
          .sort(byKeys("effectiveMonth", "createdAt"))
          .map(copy),
      ),
    addPlanChange: (_tx, change) => {
      const row = { ...change, id: randomUUID(), createdAt: now() };
      s.planChanges.push(row);
      return Promise.resolve(copy(row));
    },
    pendingApplications: () =>
      Promise.resolve(
        s.contracts
          .filter((c) => c.status === "applied")
          .map((c) => ({ id: c.id, receivedAt: c.receivedAt })),
      ),
    pastEndDate: (today) =>
      Promise.resolve(
        s.contracts
          .filter((c) => c.status === "active" && c.endDate !== null && c.endDate < today)
          .sort(byKeys("id"))
          .map((c) => ({ id: c.id, objected: c.renewalObjectionDate !== null })),
      ),
    applyDuePlanChanges: (month) => {
      let changed = 0;
      for (const c of s.contracts.filter((x) => x.status === "active")) {
        const due = s.planChanges
          .filter((p) => p.contractId === c.id && p.effectiveMonth <= month)
          .sort(byKeys("effectiveMonth", "createdAt"))
          .at(-1);
        if (due && due.plan !== c.plan) {
          c.plan = due.plan;
          c.version += 1;
          changed++;
        }
      }
      return Promise.resolve(changed);
    },
    purgePersonalData: (_tx, contractId) => {
      const before = s.contacts.length;
      s.contacts = s.contacts.filter((k) => k.contractId !== contractId);
      return Promise.resolve({
        contacts: before - s.contacts.length,
        users: 0,
        outboxRedacted: 0,
        series: 0,
      });
    },
    renewalCandidates: () =>
      Promise.resolve(
        s.contracts
          .filter(
            (c) =>
              c.status === "active" &&
              c.endDate === null &&
              c.renewalObjectionDate === null &&
              c.startDate !== null,
          )
          .flatMap((c) => recipients(c).map((r) => ({ ...r, startDate: c.startDate! }))),
      ),
    activeContacts: () =>
      Promise.resolve(s.contracts.filter((c) => c.status === "active").flatMap(recipients)),
    maintenanceWindowsStarting: (after, upTo) =>
      Promise.resolve(
        s.maintenance
          .filter(
            (w) =>
              find(w.contractId)?.status === "active" && w.startsAt > after && w.startsAt <= upTo,
          )
          .map((w) => w.id),
      ),
    maintenanceRecipients: (windowId) => {
      const w = s.maintenance.find((x) => x.id === windowId);
      const c = w && find(w.contractId);
      if (!w || !c) return Promise.resolve([]);
      return Promise.resolve(
        recipients(c).map((r) => ({
          ...r,
          startsAt: w.startsAt,
          endsAt: w.endsAt,
          reason: w.reason,
        })),
      );
    },
  };
}

const scoped = (scope: ContractScope, contractId: string) =>
  scope.kind === "all" || scope.contractId === contractId;

function componentStore(s: ContractsState, now: () => Date): ComponentStore {
  return {
    get: (scope, id) => {
      const row = s.components.find((c) => c.id === id && scoped(scope, c.contractId));
      return row ? Promise.resolve(copy(row)) : Promise.reject(notFound("component"));
    },
    list: (contractId, page) => {
      const all = s.components.filter((c) => c.contractId === contractId).sort(byKeys("name"));
      return Promise.resolve({
        rows: all.slice(page.offset, page.offset + page.limit).map(copy),
        total: all.length,
      });
    },
    nameTaken: (_tx, contractId, name) =>
      Promise.resolve(s.components.some((c) => c.contractId === contractId && c.name === name)),
    create: (_tx, c) => {
      if (s.components.some((x) => x.contractId === c.contractId && x.name === c.name))
        return Promise.reject(new Error("duplicate key uq_component_name"));
      const row = { ...c, id: randomUUID(), activeUntil: null, lastSeenAt: null, createdAt: now() };
      s.components.push(row);
      return Promise.resolve(copy(row));
    },
    save: (_tx, row) => {
      const i = s.components.findIndex((c) => c.id === row.id);
      if (i < 0) return Promise.reject(new Error(`no component ${row.id} to save`));
      s.components[i] = copy(row);
      return Promise.resolve(copy(row));
    },
    addChange: (_tx, change) => {
      s.componentChanges.push({ ...change, id: randomUUID(), createdAt: now() });
      return Promise.resolve();
    },
    stateIn: (_tx, componentId, month) => {
      const latest = s.componentChanges
        .filter((h) => h.componentId === componentId && h.effectiveMonth <= month)
        .sort(byKeys("effectiveMonth", "createdAt"))
        .at(-1);
      return Promise.resolve(
        latest ? { os: latest.os, capRelaxations: latest.capRelaxations } : null,
      );
    },
    endAll: (_tx, contractId, endDate) => {
      for (const c of s.components)
        if (c.contractId === contractId && c.activeUntil === null) c.activeUntil = endDate;
      return Promise.resolve();
    },
    applyDueChanges: (month) => {
      let changed = 0;
      for (const k of s.components) {
        const h = s.componentChanges
          .filter((x) => x.componentId === k.id && x.effectiveMonth <= month)
          .sort(byKeys("effectiveMonth", "createdAt"))
          .at(-1);
        if (h && (h.os !== k.os || h.capRelaxations !== k.capRelaxations)) {
          Object.assign(k, { os: h.os, capRelaxations: h.capRelaxations });
          changed++;
        }
      }
      return Promise.resolve(changed);
    },
  };
}

function tokenStore(s: ContractsState, now: () => Date): AgentTokenStore {
  return {
    list: (contractId) =>
      Promise.resolve(
        s.tokens
          .filter((t) => t.contractId === contractId)
          .sort(byKeys("createdAt"))
          .map(copy),
      ),
    find: (scope, id) => {
      const row = s.tokens.find((t) => t.id === id && scoped(scope, t.contractId));
      return Promise.resolve(row ? copy(row) : null);
    },
    create: (_tx, t) => {
      // The partial unique index: one live token per component.
      if (t.componentId && s.tokens.some((x) => x.componentId === t.componentId && !x.revokedAt))
        return Promise.reject(new Error("duplicate key uq_agent_token_active_component"));
      const row = { ...t, id: randomUUID(), createdAt: now(), revokedAt: null };
      s.tokens.push(row);
      return Promise.resolve(copy(row));
    },
    save: (_tx, row) => {
      const i = s.tokens.findIndex((t) => t.id === row.id);
      if (i < 0) return Promise.reject(new Error(`no token ${row.id} to save`));
      s.tokens[i] = copy(row);
      return Promise.resolve(copy(row));
    },
    revokeLive: (_tx, of, at) => {
      for (const t of s.tokens) {
        const match =
          "componentId" in of ? t.componentId === of.componentId : t.contractId === of.contractId;
        if (match && t.revokedAt === null) t.revokedAt = at;
      }
      return Promise.resolve();
    },
  };
}

function runbookStore(s: ContractsState, now: () => Date): RunbookStore {
  return {
    list: (contractId) =>
      Promise.resolve(
        s.runbooks
          .filter((r) => r.contractId === contractId)
          .sort(byKeys("kind", "name", "version"))
          .map(copy),
      ),
    find: (scope, id) => {
      const row = s.runbooks.find((r) => r.id === id && scoped(scope, r.contractId));
      return Promise.resolve(row ? copy(row) : null);
    },
    latestVersion: (_tx, contractId, kind, name) =>
      Promise.resolve(
        Math.max(
          0,
          ...s.runbooks
            .filter((r) => r.contractId === contractId && r.kind === kind && r.name === name)
            .map((r) => r.version),
        ),
      ),
    create: (_tx, r) => {
      const clash = s.runbooks.some(
        (x) =>
          x.contractId === r.contractId &&
          x.kind === r.kind &&
          x.name === r.name &&
          x.version === r.version,
      );
      if (clash) return Promise.reject(new Error("duplicate key uq_runbook_version"));
      const row = { ...r, id: randomUUID(), createdAt: now() };
      s.runbooks.push(row);
      return Promise.resolve(copy(row));
    },
  };
}

function auditLog(s: ContractsState): AuditLog {
  return {
    record: (_tx, entry) => {
      // before/after as JSON, as the audit_log's jsonb columns keep them.
      const json = (v: unknown): unknown =>
        v === undefined ? null : JSON.parse(JSON.stringify(v));
      s.audit.push({ ...entry, before: json(entry.before), after: json(entry.after) });
      return Promise.resolve();
    },
  };
}

function outbox(s: ContractsState): NoticeOutbox {
  return {
    enqueue: (messages) => {
      let queued = 0;
      for (const m of messages) {
        if (s.outbox.some((x) => x.key === m.key)) continue; // ON CONFLICT DO NOTHING
        s.outbox.push(m);
        queued++;
      }
      return Promise.resolve(queued);
    },
  };
}
