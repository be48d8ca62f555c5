// What the incident engine tells the rest of the platform. A use case records its changes
// (timeline rows); the hub then publishes them to the listeners registered in the
// composition root (platform.ts), twice: `inTransaction` just before the change's
// transaction commits (the outbox writes its messages there, so a change and its messages
// commit together), and `afterCommit` once it is durable (sockets, metrics).
import type { Actor } from "../access/actor.js";
import type { IncidentEntity, IncidentEventEntity } from "../db/entities/index.js";
import type { Tx } from "../db/unit-of-work.js";

export const INCIDENT_EVENT_KINDS = [
  "opened",
  "repeated",
  "members_changed",
  "routed",
  "paged",
  "acknowledged",
  "escalated",
  "condition_cleared",
  "resolved",
  "reopened",
  "note",
  "outage_declared",
  "outage_proposed",
  "quota_overage",
  "runbook_task_started",
  "runbook_task_finished",
] as const;
export type IncidentEventKind = (typeof INCIDENT_EVENT_KINDS)[number];

/** Someone who must be told: an engineer paged for this incident. */
export interface PageTarget {
  userId: string;
  email: string;
  displayName: string;
  language: string;
  /** first | second */
  line: string;
  /** 0 for the first page, then one per escalation. */
  level: number;
}

export interface IncidentChange {
  kind: IncidentEventKind;
  /** The incident after the change. */
  incident: IncidentEntity;
  /** The timeline row written for it; its id is the change-feed version. */
  event: IncidentEventEntity;
  /** Set on `paged` and `escalated`: who was paged. */
  page?: PageTarget;
  /** Contract context, so listeners need no extra query. */
  contract: { id: string; customerName: string; plan: string };
  component: { id: string; name: string } | null;
}

/** One entry of an incident's timeline, as a use case records it. */
export interface TimelineEntry {
  kind: IncidentEventKind;
  at: Date;
  /** A user, or a name for the platform itself ("rule engine", "scheduler"). */
  actor: Actor | string;
  note?: string | null;
  data?: Record<string, unknown>;
  /** Internal NOC notes are hidden from the customer portal. */
  customerVisible?: boolean;
  page?: PageTarget;
}

export interface IncidentListener {
  /** Who listens (logs, the composition root's list): "outbox writer", "realtime fan-out"… */
  readonly name: string;
  /** Before the change's transaction commits: a throw rolls the change back. */
  inTransaction?(tx: Tx, change: IncidentChange): Promise<void>;
  /** Once the change is durable: a throw is logged, never undoes it. */
  afterCommit?(change: IncidentChange): void;
}
