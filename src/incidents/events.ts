// What the incident engine tells the rest of the platform. Listeners run twice per change:
// `inTransaction` inside the transaction that made it (the notification outbox writes its
// messages there, so a change and its messages commit together), and `afterCommit` once it
// is durable (the realtime role pushes deltas to sockets from there).
import type { EntityManager } from "typeorm";
import type { IncidentEntity, IncidentEventEntity } from "../db/entities/index.js";

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

export interface IncidentListener {
  inTransaction?(m: EntityManager, change: IncidentChange): Promise<void>;
  afterCommit?(change: IncidentChange): void;
}
