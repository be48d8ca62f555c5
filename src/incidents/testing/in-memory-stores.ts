// In-memory stores of the incident engine for unit tests: honest implementations over plain
// tables (scope filters, conditional transitions, a unit of work that rolls back on a throw),
// so the use cases run their real logic without a database.
/* eslint-disable @typescript-eslint/require-await -- async interfaces, answered synchronously */
import type { ContractScope } from "../../access/actor.js";
import type { AuditEntry } from "../../audit/audit.js";
import type {
  ContractEntity,
  IncidentEntity,
  IncidentEventEntity,
  OutageEntity,
  UserEntity,
} from "../../db/entities/index.js";
import type { Tx, UnitOfWork } from "../../db/unit-of-work.js";
import type { Rotation, RotationOverride } from "../../domain/oncall/rotation.js";
import type { AlertKey } from "../alerts.js";
import type { IncidentChange } from "../events.js";
import type { IncidentFilter, IncidentStore, MemberView, Names } from "../incident.store.js";
import type { QuotaStore, QuotaUnit } from "../quota.store.js";
import type { RoutingStore } from "../routing.store.js";
import type { TimelineStore } from "../timeline.store.js";

export interface MemberRow {
  incidentId: string;
  key: AlertKey;
  value: number | null;
  lastFiredAt: Date;
  clearedAt: Date | null;
  active: boolean;
}
export interface UnitRow extends QuotaUnit {
  id: string;
  releasedAt: Date | null;
}
export interface WindowRow {
  contractId: string;
  componentId: string | null;
  startsAt: Date;
  endsAt: Date;
  id: string;
}

/** The tables: what a test seeds and asserts on. */
export interface Tables {
  contracts: Map<string, ContractEntity>;
  components: Map<string, { id: string; contractId: string; name: string }>;
  users: Map<string, UserEntity>;
  incidentRunbooks: Set<string>;
  windows: WindowRow[];
  rotations: Rotation[];
  overrides: RotationOverride[];
  incidents: Map<string, IncidentEntity>;
  members: MemberRow[];
  events: IncidentEventEntity[];
  outages: Map<string, OutageEntity>;
  audit: AuditEntry[];
  units: UnitRow[];
  seq: number;
}

export function emptyTables(): Tables {
  return {
    contracts: new Map(),
    components: new Map(),
    users: new Map(),
    incidentRunbooks: new Set(),
    windows: [],
    rotations: [],
    overrides: [],
    incidents: new Map(),
    members: [],
    events: [],
    outages: new Map(),
    audit: [],
    units: [],
    seq: 0,
  };
}

const copy = <T extends object>(row: T): T => ({ ...row });
const nextId = (t: Tables, prefix: string) =>
  `${prefix}-${String(++t.seq).padStart(4, "0")}-0000-4000-8000-000000000000`;

/** Runs each transaction on the tables; a throw puts them back as they were (rollback). */
export function rollbackUnitOfWork(db: { tables: Tables }): UnitOfWork {
  return {
    async transaction(fn) {
      const before = structuredClone(db.tables);
      try {
        return await fn({ inMemory: true } as unknown as Tx);
      } catch (err) {
        db.tables = before;
        throw err;
      }
    },
  };
}

/** `now` stands for the database's clock (created_at defaults). */
export function inMemoryIncidentStore(db: { tables: Tables }, now: () => Date): IncidentStore {
  const t = () => db.tables;
  const inScope = (scope: ContractScope, row: IncidentEntity) =>
    scope.kind === "all" || row.contractId === scope.contractId;
  const sameKey = (a: AlertKey, b: AlertKey) =>
    a.componentId === b.componentId && a.ruleId === b.ruleId && a.labelsKey === b.labelsKey;
  const get = (id: string) => {
    const row = t().incidents.get(id);
    return row ? copy(row) : null;
  };
  return {
    lock: async (_tx, id) => get(id),
    lockEscalationDue: async (_tx, id, now) => {
      const row = get(id);
      return row?.state === "open" && row.escalateAt && row.escalateAt <= now ? row : null;
    },
    lockUnrouted: async (_tx, id, { held }) => {
      const row = get(id);
      if (!row || row.routedAt !== null || row.state === "resolved") return null;
      return held || !row.suppressed ? row : null;
    },
    async transition(_tx, id, from, patch) {
      const row = t().incidents.get(id);
      if (!row || !from.includes(row.state)) return null;
      Object.assign(row, patch, { version: row.version + 1 });
      return copy(row);
    },
    async save(_tx, incident) {
      t().incidents.set(incident.id, copy(incident));
      return incident;
    },
    async update(_tx, id, patch) {
      const row = t().incidents.get(id);
      if (row) Object.assign(row, patch);
    },
    async activeMembership(_tx, key) {
      return t().members.find((m) => m.active && sameKey(m.key, key))?.incidentId ?? null;
    },
    async touchMember(_tx, incidentId, key, value, at) {
      for (const m of t().members) {
        if (m.incidentId !== incidentId || !sameKey(m.key, key)) continue;
        Object.assign(m, { active: true, clearedAt: null, value });
        if (at > m.lastFiredAt) m.lastFiredAt = at;
      }
    },
    async clearAllMembers(_tx, incidentId, at) {
      for (const m of t().members) {
        if (m.incidentId === incidentId && m.active)
          Object.assign(m, { active: false, clearedAt: at });
      }
    },
    async createOutage(_tx, outage) {
      const at = now();
      const row = { ...outage, id: nextId(t(), "0"), createdAt: at, updatedAt: at } as OutageEntity;
      t().outages.set(row.id, row);
      return copy(row);
    },
    async restoreOutage(_tx, outageId, at) {
      const row = t().outages.get(outageId);
      if (row && row.restoredAt === null) row.restoredAt = at;
    },
    async audit(_tx, entry) {
      t().audit.push(entry);
    },
    async escalationsDue(now, limit) {
      return [...t().incidents.values()]
        .filter((i) => i.state === "open" && i.escalateAt && i.escalateAt <= now)
        .sort((a, b) => a.escalateAt!.getTime() - b.escalateAt!.getTime())
        .slice(0, limit)
        .map((i) => i.id);
    },
    async unroutedOfServedContracts(now, limit) {
      return [...t().incidents.values()]
        .filter((i) => i.state !== "resolved" && i.routedAt === null)
        .filter((i) => {
          const c = t().contracts.get(i.contractId);
          return c?.status === "active" && (c.suspendedFrom === null || c.suspendedFrom > now);
        })
        .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime())
        .slice(0, limit)
        .map(copy);
    },
    async list(scope, f: IncidentFilter) {
      const rows = [...t().incidents.values()]
        .filter((i) => inScope(scope, i))
        .filter((i) => !f.contractId || i.contractId === f.contractId)
        .filter(
          (i) =>
            !f.componentId ||
            t().members.some((m) => m.incidentId === i.id && m.key.componentId === f.componentId),
        )
        .filter((i) => !f.severity || i.severity === f.severity)
        .filter((i) => !f.assigneeId || i.assigneeId === f.assigneeId)
        .filter((i) =>
          f.state === "active"
            ? i.state === "open" || i.state === "acknowledged"
            : !f.state || i.state === f.state,
        )
        .sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime() || (a.id < b.id ? -1 : 1));
      return { rows: rows.slice(f.offset, f.offset + f.limit).map(copy), total: rows.length };
    },
    async find(scope, id) {
      const row = get(id);
      return row && inScope(scope, row) ? row : null;
    },
    async timelineOf(incidentId, customerVisibleOnly) {
      return t().events.filter(
        (e) => e.incidentId === incidentId && (!customerVisibleOnly || e.customerVisible),
      );
    },
    async membersOf(incidentId, limit = 1000): Promise<MemberView[]> {
      return t()
        .members.filter((m) => m.incidentId === incidentId)
        .sort((a, b) => Number(b.active) - Number(a.active))
        .slice(0, limit)
        .map((m) => ({
          componentId: m.key.componentId,
          componentName: t().components.get(m.key.componentId)?.name ?? null,
          labels: {},
          value: m.value,
          firstFiredAt: m.lastFiredAt,
          lastFiredAt: m.lastFiredAt,
          clearedAt: m.clearedAt,
          active: m.active,
        }));
    },
    async names(rows): Promise<Names> {
      const names: Names = { contracts: new Map(), components: new Map() };
      for (const r of rows) {
        const c = t().contracts.get(r.contractId);
        if (c) names.contracts.set(c.id, { customerName: c.customerName, plan: c.plan });
        const k = r.componentId ? t().components.get(r.componentId) : undefined;
        if (k) names.components.set(k.id, k.name);
      }
      return names;
    },
  };
}

export function inMemoryTimelineStore(db: { tables: Tables }): TimelineStore {
  return {
    async append(_tx, incident, entry): Promise<IncidentChange> {
      const t = db.tables;
      const user = typeof entry.actor === "string" ? null : t.users.get(entry.actor.userId);
      const event = {
        id: String(t.events.length + 1),
        incidentId: incident.id,
        contractId: incident.contractId,
        at: entry.at,
        kind: entry.kind,
        actorId: typeof entry.actor === "string" ? null : entry.actor.userId,
        actorName: typeof entry.actor === "string" ? entry.actor : (user?.displayName ?? "user"),
        note: entry.note ?? null,
        data: entry.data ?? {},
        customerVisible: entry.customerVisible ?? true,
      } as IncidentEventEntity;
      t.events.push(event);
      const contract = t.contracts.get(incident.contractId);
      if (!contract) throw new Error(`no contract ${incident.contractId}`);
      const component = incident.componentId ? t.components.get(incident.componentId) : undefined;
      return {
        kind: entry.kind,
        incident: { ...incident },
        event,
        contract: { id: contract.id, customerName: contract.customerName, plan: contract.plan },
        component: component ? { id: component.id, name: component.name } : null,
        ...(entry.page ? { page: entry.page } : {}),
      };
    },
  };
}

export function inMemoryQuotaStore(db: { tables: Tables }): QuotaStore {
  const held = (t: Tables, contractId: string, month: string) =>
    t.units.filter((u) => u.contractId === contractId && u.month === month && !u.releasedAt).length;
  return {
    // One test runs one transaction at a time: nothing to serialise.
    lockContract: async () => {},
    taken: async (_tx, contractId, month) => held(db.tables, contractId, month),
    unitOf: async (_tx, incidentId) => {
      const u = db.tables.units.find((x) => x.incidentId === incidentId);
      return u ? { id: u.id } : null;
    },
    async take(_tx, unit, existingId) {
      const t = db.tables;
      if (existingId) {
        Object.assign(
          t.units.find((u) => u.id === existingId)!,
          unit,
          { releasedAt: null },
        );
        return;
      }
      if (t.units.some((u) => u.incidentId === unit.incidentId)) {
        throw new Error("duplicate key value violates unique constraint (incident_id)");
      }
      t.units.push({ ...unit, id: nextId(t, "1"), releasedAt: null });
    },
    async release(_tx, incidentId, at) {
      for (const u of db.tables.units) {
        if (u.incidentId === incidentId && !u.releasedAt) u.releasedAt = at;
      }
    },
    used: async (contractId, month) => held(db.tables, contractId, month),
  };
}

export function inMemoryRoutingStore(db: { tables: Tables }): RoutingStore {
  return {
    contract: async (_tx, id) => {
      const c = db.tables.contracts.get(id);
      return c ? copy(c) : null;
    },
    hasIncidentRunbook: async (_tx, contractId) => db.tables.incidentRunbooks.has(contractId),
    maintenanceAt: async (contractId, componentId, at) => {
      const w = db.tables.windows.find(
        (x) =>
          x.contractId === contractId &&
          (x.componentId === null || x.componentId === componentId) &&
          x.startsAt <= at &&
          at < x.endsAt,
      );
      return w ? { windowId: w.id, endsAt: w.endsAt } : null;
    },
    rotations: async () => ({ rotations: db.tables.rotations, overrides: db.tables.overrides }),
    user: async (_tx, id) => db.tables.users.get(id) ?? null,
  };
}
