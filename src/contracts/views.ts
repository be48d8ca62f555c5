import { z } from "zod";
import { SUSPENSION_KINDS, TERMINATION_REASONS } from "../domain/contracts/service-state.js";
import { minimumTermEnd } from "../domain/contracts/terms.js";
import type {
  ComponentEntity,
  ContactEntity,
  ContractEntity,
  RunbookEntity,
} from "../db/entities/index.js";

export const PLANS = ["entry", "standard", "advanced", "premium"] as const;
export const Plan = z.enum(PLANS);
export type Plan = z.infer<typeof Plan>;
export const OS_KINDS = ["linux", "windows"] as const;
export const Os = z.enum(OS_KINDS);
export const IsoDate = z.iso.date();

export const ContactInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254),
  language: z.enum(["ja", "en"]),
});
export type ContactInput = z.infer<typeof ContactInput>;
export const ContactView = ContactInput.extend({ id: z.uuid() });
export type ContactView = z.infer<typeof ContactView>;

export const ContractView = z.object({
  id: z.uuid(),
  customerName: z.string(),
  plan: Plan,
  status: z.enum(["applied", "active", "terminated", "rejected"]),
  tierMode: z.enum(["graduated", "volume"]),
  receivedAt: z.iso.datetime(),
  decidedAt: z.iso.datetime().nullable(),
  startDate: IsoDate.nullable(),
  minimumTermEnd: IsoDate.nullable(),
  endDate: IsoDate.nullable(),
  cancellationNoticeDate: IsoDate.nullable(),
  cancellationDesiredDate: IsoDate.nullable(),
  terminatedAt: z.iso.datetime().nullable(),
  terminationReason: z.enum(TERMINATION_REASONS).nullable(),
  /** Service suspended or restricted by the provider (billing continues); null while served. */
  suspension: z
    .object({
      kind: z.enum(SUSPENSION_KINDS),
      reason: z.string(),
      from: z.iso.datetime(),
    })
    .nullable(),
  renewalObjection: z.object({ date: IsoDate, by: z.enum(["customer", "provider"]) }).nullable(),
  instanceLabel: z.string(),
  version: z.number().int(),
});
export type ContractView = z.infer<typeof ContractView>;

export const toContractView = (c: ContractEntity): ContractView => ({
  id: c.id,
  customerName: c.customerName,
  plan: c.plan as Plan,
  status: c.status as ContractView["status"],
  tierMode: c.tierMode as ContractView["tierMode"],
  receivedAt: c.receivedAt.toISOString(),
  decidedAt: c.decidedAt?.toISOString() ?? null,
  startDate: c.startDate,
  minimumTermEnd: c.startDate ? minimumTermEnd(c.startDate) : null,
  endDate: c.endDate,
  cancellationNoticeDate: c.cancellationNoticeDate,
  cancellationDesiredDate: c.cancellationDesiredDate,
  terminatedAt: c.terminatedAt?.toISOString() ?? null,
  terminationReason: c.terminationReason as ContractView["terminationReason"],
  suspension: c.suspendedFrom
    ? {
        kind: c.suspensionKind as "suspension" | "restriction",
        reason: c.suspensionReason ?? "",
        from: c.suspendedFrom.toISOString(),
      }
    : null,
  renewalObjection: c.renewalObjectionDate
    ? {
        date: c.renewalObjectionDate,
        by: c.renewalObjectionBy as "customer" | "provider",
      }
    : null,
  instanceLabel: c.instanceLabel,
  version: c.version,
});

export const toContactView = (c: ContactEntity): ContactView => ({
  id: c.id,
  name: c.name,
  email: c.email,
  language: c.language as "ja" | "en",
});

export const ComponentView = z.object({
  id: z.uuid(),
  contractId: z.uuid(),
  name: z.string(),
  os: Os,
  capRelaxations: z.number().int(),
  activeFrom: IsoDate,
  activeUntil: IsoDate.nullable(),
  lastSeenAt: z.iso.datetime().nullable(),
});
export type ComponentView = z.infer<typeof ComponentView>;
export const toComponentView = (c: ComponentEntity): ComponentView => ({
  id: c.id,
  contractId: c.contractId,
  name: c.name,
  os: c.os as "linux" | "windows",
  capRelaxations: c.capRelaxations,
  activeFrom: c.activeFrom,
  activeUntil: c.activeUntil,
  lastSeenAt: c.lastSeenAt?.toISOString() ?? null,
});

export const RUNBOOK_KINDS = ["incident", "ops"] as const;
export const RunbookView = z.object({
  id: z.uuid(),
  contractId: z.uuid(),
  kind: z.enum(RUNBOOK_KINDS),
  name: z.string(),
  version: z.number().int(),
  contentType: z.enum(["text/markdown", "text/plain"]),
  createdAt: z.iso.datetime(),
});
export type RunbookView = z.infer<typeof RunbookView>;
export const toRunbookView = (r: RunbookEntity): RunbookView => ({
  id: r.id,
  contractId: r.contractId,
  kind: r.kind as "incident" | "ops",
  name: r.name,
  version: r.version,
  contentType: r.contentType as "text/markdown" | "text/plain",
  createdAt: r.createdAt.toISOString(),
});
