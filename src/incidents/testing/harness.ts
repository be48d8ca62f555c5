// A unit-test world for the incident use cases: in-memory stores, a fixed clock, a hub whose
// listeners record what they were told (in the transaction and after commit), and seeds.
import type { Actor, UserRole } from "../../access/actor.js";
import type { ContractEntity, IncidentEntity, UserEntity } from "../../db/entities/index.js";
import { fixedClock } from "../../infra/clock.js";
import type { IncidentChange } from "../events.js";
import { FRESH_INCIDENT } from "../alert-intake.js";
import { IncidentHub } from "../hub.js";
import type { IncidentDeps, IncidentSettings } from "../incident-tx.js";
import {
  emptyTables,
  inMemoryIncidentStore,
  inMemoryQuotaStore,
  inMemoryRoutingStore,
  inMemoryTimelineStore,
  rollbackUnitOfWork,
  type Tables,
} from "./in-memory-stores.js";

export const T0 = new Date("2026-03-10T01:00:00.000Z");

export const SETTINGS: IncidentSettings = {
  escalationAfterMs: 15 * 60_000,
  reopenWindowMs: 10 * 60_000,
  groupWindowMs: 5 * 60_000,
  groupMinMembers: 2,
  followupEveryMs: 60 * 60_000,
  unreachableRatio: 0.5,
};

const uuid = (n: number, prefix = "0") =>
  `${prefix.padEnd(8, "0")}-0000-4000-8000-${String(n).padStart(12, "0")}`;

export interface World {
  db: { tables: Tables };
  deps: IncidentDeps;
  clock: ReturnType<typeof fixedClock>;
  /** What the in-transaction and after-commit listeners were told, in order. */
  told: { inTransaction: IncidentChange[]; afterCommit: IncidentChange[] };
  contract(plan: string, opts?: Partial<ContractEntity>): ContractEntity;
  component(contractId: string, name?: string): string;
  user(role: UserRole, opts?: Partial<UserEntity>): UserEntity;
  actor(user: UserEntity): Actor;
  incident(contractId: string, opts?: Partial<IncidentEntity>): IncidentEntity;
  /** First- and second-line rotations of these users, starting before T0. */
  rotation(line: "first" | "second", users: readonly UserEntity[]): void;
  kinds(incidentId: string): string[];
  row(incidentId: string): IncidentEntity;
}

export function world(): World {
  const db = { tables: emptyTables() };
  const clock = fixedClock(T0);
  const hub = new IncidentHub();
  const told: World["told"] = { inTransaction: [], afterCommit: [] };
  hub.addListener({
    name: "test recorder",
    inTransaction: (_tx, change) => {
      told.inTransaction.push(change);
      return Promise.resolve();
    },
    afterCommit: (change) => void told.afterCommit.push(change),
  });
  const deps: IncidentDeps = {
    uow: rollbackUnitOfWork(db),
    incidents: inMemoryIncidentStore(db, () => clock.now()),
    timeline: inMemoryTimelineStore(db),
    quota: inMemoryQuotaStore(db),
    routing: inMemoryRoutingStore(db),
    clock,
    hub,
    settings: SETTINGS,
  };
  let n = 0;
  const w: World = {
    db,
    deps,
    clock,
    told,
    contract(plan, opts = {}) {
      const c = {
        id: uuid(++n, "c"),
        customerName: `Customer ${n}`,
        plan,
        status: "active",
        suspendedFrom: null,
        suspensionKind: null,
        ...opts,
      } as ContractEntity;
      db.tables.contracts.set(c.id, c);
      return c;
    },
    component(contractId, name = `web-${n + 1}`) {
      const id = uuid(++n, "d");
      db.tables.components.set(id, { id, contractId, name });
      return id;
    },
    user(role, opts = {}) {
      const u = {
        id: uuid(++n, "e"),
        email: `user${n}@example.test`,
        displayName: `User ${n}`,
        role,
        contractId: null,
        language: "en",
        disabledAt: null,
        ...opts,
      } as UserEntity;
      db.tables.users.set(u.id, u);
      return u;
    },
    actor: (u) => ({
      via: "session",
      userId: u.id,
      credentialId: `cred-${u.id}`,
      role: u.role as UserRole,
      contractId: u.contractId,
    }),
    incident(contractId, opts = {}) {
      const componentId =
        opts.componentId === undefined ? w.component(contractId) : opts.componentId;
      const i = {
        id: uuid(++n, "f"),
        contractId,
        componentId,
        ruleId: uuid(n, "a"),
        ruleName: "cpu high",
        ruleKind: "threshold",
        labelsKey: "",
        labels: {},
        metric: "cpu",
        severity: "critical",
        state: "open",
        value: 97,
        threshold: 90,
        openedAt: T0,
        lastFiredAt: T0,
        memberCount: 1,
        membersTotal: 1,
        scope: "component",
        ...FRESH_INCIDENT,
        ...opts,
      };
      db.tables.incidents.set(i.id, i);
      if (i.componentId && i.ruleId) {
        db.tables.members.push({
          incidentId: i.id,
          key: { componentId: i.componentId, ruleId: i.ruleId, labelsKey: i.labelsKey },
          value: i.value,
          lastFiredAt: i.lastFiredAt,
          clearedAt: i.state === "resolved" ? i.resolvedAt : null,
          active: i.state !== "resolved",
        });
      }
      return i;
    },
    rotation(line, users) {
      db.tables.rotations.push({
        id: uuid(++n, "b"),
        line,
        memberIds: users.map((u) => u.id),
        startsAtMs: T0.getTime() - 3_600_000,
        shiftHours: 24,
        createdAtMs: T0.getTime() - 3_600_000,
      });
    },
    kinds: (incidentId) =>
      db.tables.events.filter((e) => e.incidentId === incidentId).map((e) => e.kind),
    row: (incidentId) => db.tables.incidents.get(incidentId)!,
  };
  return w;
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error("expected a rejection");
}
