import { z } from "zod";
import type { MaintenanceWindowEntity } from "../db/entities/index.js";
import {
  occurrenceAt,
  RECURRENCES,
  type MaintenanceWindow,
  type Recurrence as RecurrenceKind,
} from "../domain/maintenance/windows.js";

export const Recurrence = z.enum(RECURRENCES);

/** A stored window in the shape of the pure rules (src/domain/maintenance). */
export const toWindow = (w: MaintenanceWindowEntity): MaintenanceWindow => ({
  id: w.id,
  contractId: w.contractId,
  componentId: w.componentId,
  startsAtMs: w.startsAt.getTime(),
  endsAtMs: w.endsAt.getTime(),
  recurrence: w.recurrence as RecurrenceKind,
  untilMs: w.until?.getTime() ?? null,
});

export const MaintenanceWindowView = z.object({
  id: z.uuid(),
  contractId: z.uuid(),
  componentId: z.uuid().nullable(),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  recurrence: Recurrence,
  until: z.iso.datetime().nullable(),
  reason: z.string(),
  createdBy: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  activeNow: z.boolean(),
  /** The running occurrence's end, when active now. */
  activeUntil: z.iso.datetime().nullable(),
});
export type MaintenanceWindowView = z.infer<typeof MaintenanceWindowView>;

export function toWindowView(w: MaintenanceWindowEntity, now: Date): MaintenanceWindowView {
  const occurrence = occurrenceAt(toWindow(w), now.getTime());
  return {
    id: w.id,
    contractId: w.contractId,
    componentId: w.componentId,
    startsAt: w.startsAt.toISOString(),
    endsAt: w.endsAt.toISOString(),
    recurrence: w.recurrence as MaintenanceWindowView["recurrence"],
    until: w.until?.toISOString() ?? null,
    reason: w.reason,
    createdBy: w.createdBy,
    createdAt: w.createdAt.toISOString(),
    activeNow: occurrence !== null,
    activeUntil: occurrence ? new Date(occurrence.endMs).toISOString() : null,
  };
}
