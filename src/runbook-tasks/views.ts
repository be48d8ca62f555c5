import { z } from "zod";
import type { RunbookTaskEntity } from "../db/entities/index.js";
import { isYearMonth } from "../domain/time/month.js";

export const YearMonth = z.string().refine(isYearMonth, { error: "must be a month YYYY-MM" });

export const RunbookTaskView = z.object({
  id: z.uuid(),
  contractId: z.uuid(),
  runbookId: z.uuid(),
  componentId: z.uuid().nullable(),
  incidentId: z.uuid().nullable(),
  month: z.string(),
  startedAt: z.iso.datetime(),
  startedBy: z.uuid(),
  finishedAt: z.iso.datetime().nullable(),
  finishedBy: z.uuid().nullable(),
  minutes: z.number().int().nullable(),
  note: z.string().nullable(),
});
export type RunbookTaskView = z.infer<typeof RunbookTaskView>;
export const toTaskView = (t: RunbookTaskEntity): RunbookTaskView => ({
  id: t.id,
  contractId: t.contractId,
  runbookId: t.runbookId,
  componentId: t.componentId,
  incidentId: t.incidentId,
  month: t.month,
  startedAt: t.startedAt.toISOString(),
  startedBy: t.startedBy,
  finishedAt: t.finishedAt?.toISOString() ?? null,
  finishedBy: t.finishedBy,
  minutes: t.minutes,
  note: t.note,
});

export const AllowanceView = z.object({
  month: z.string(),
  components: z.number().int(),
  allowanceMinutes: z.number().int(),
  usedMinutes: z.number().int(),
  remainingMinutes: z.number().int(),
  overageMinutes: z.number().int(),
});
