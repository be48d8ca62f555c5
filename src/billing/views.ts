// What the billing API shows. Stored rows → views in one place, so routes and use cases
// answer the same shape.
import { z } from "zod";
import type {
  InvoiceEntity,
  LiabilityCreditEntity,
  OutageEntity,
  PaymentEntity,
  ServiceFeeEntity,
} from "../db/entities/index.js";
import { OUTAGE_CAUSES, OUTAGE_SCOPES } from "../domain/billing/scenario.js";
import { LINE_CODES } from "../domain/billing/invoice-line.js";
import { isYearMonth } from "../domain/time/month.js";

export const IsoDate = z.iso.date();
export const YearMonth = z.string().refine(isYearMonth, { error: "must be a month YYYY-MM" });
export const Instant = z.iso.datetime({ offset: true });
export const OutageScope = z.enum(OUTAGE_SCOPES);
export const OutageCause = z.enum(OUTAGE_CAUSES);

export const OutageView = z.object({
  id: z.uuid(),
  contractId: z.uuid(),
  scope: OutageScope,
  cause: OutageCause.nullable(),
  knownAt: z.iso.datetime(),
  restoredAt: z.iso.datetime().nullable(),
  open: z.boolean(),
  description: z.string(),
  incidentId: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type OutageView = z.infer<typeof OutageView>;
export const toOutageView = (o: OutageEntity): OutageView => ({
  id: o.id,
  contractId: o.contractId,
  scope: o.scope as OutageView["scope"],
  cause: o.cause as OutageView["cause"],
  knownAt: o.knownAt.toISOString(),
  restoredAt: o.restoredAt?.toISOString() ?? null,
  open: o.restoredAt === null,
  description: o.description,
  incidentId: o.incidentId,
  createdAt: o.createdAt.toISOString(),
  updatedAt: o.updatedAt.toISOString(),
});

export const InvoiceLineView = z.object({
  code: z.enum(LINE_CODES),
  description: z.string(),
  quantity: z.number(),
  unitYen: z.number().int(),
  amountYen: z.number().int(),
  taxable: z.boolean(),
  toBeQuoted: z.literal(true).optional(),
});
export type InvoiceLineView = z.infer<typeof InvoiceLineView>;

export const InvoiceSummary = z.object({
  id: z.uuid(),
  contractId: z.uuid(),
  customerName: z.string(),
  month: z.string(),
  revision: z.number().int(),
  reason: z.string().nullable(),
  subtotalYen: z.number().int(),
  taxYen: z.number().int(),
  totalYen: z.number().int(),
  taxRatePercent: z.number(),
  tariffVersion: z.string(),
  issuedAt: z.iso.datetime(),
  dueDate: IsoDate,
});
export const InvoiceView = InvoiceSummary.extend({
  lines: z.array(InvoiceLineView),
  /** The scenario that produced the invoice (staff only). */
  scenario: z.record(z.string(), z.unknown()).optional(),
});
export type InvoiceView = z.infer<typeof InvoiceView>;

export const toInvoiceSummary = (i: InvoiceEntity): z.infer<typeof InvoiceSummary> => ({
  id: i.id,
  contractId: i.contractId,
  customerName: i.customerName,
  month: i.month,
  revision: i.revision,
  reason: i.reason,
  subtotalYen: i.subtotalYen,
  taxYen: i.taxYen,
  totalYen: i.totalYen,
  taxRatePercent: i.taxRatePercent,
  tariffVersion: i.tariffVersion,
  issuedAt: i.issuedAt.toISOString(),
  dueDate: i.dueDate,
});
export const toInvoiceView = (i: InvoiceEntity, withScenario: boolean): InvoiceView => ({
  ...toInvoiceSummary(i),
  lines: i.lines as InvoiceLineView[],
  ...(withScenario ? { scenario: i.scenario } : {}),
});

export const PaymentView = z.object({
  id: z.uuid(),
  invoiceId: z.uuid(),
  paidDate: IsoDate,
  amountYen: z.number().int(),
  createdAt: z.iso.datetime(),
});
export const toPaymentView = (p: PaymentEntity): z.infer<typeof PaymentView> => ({
  id: p.id,
  invoiceId: p.invoiceId,
  paidDate: p.paidDate,
  amountYen: p.amountYen,
  createdAt: p.createdAt.toISOString(),
});

export const LiabilityCreditView = z.object({
  id: z.uuid(),
  contractId: z.uuid(),
  damageDate: IsoDate,
  claimDate: IsoDate,
  amountYen: z.number().int(),
  description: z.string(),
  creditMonth: z.string(),
  createdAt: z.iso.datetime(),
});
export const toLiabilityCreditView = (c: LiabilityCreditEntity, creditMonth: string) => ({
  id: c.id,
  contractId: c.contractId,
  damageDate: c.damageDate,
  claimDate: c.claimDate,
  amountYen: c.amountYen,
  description: c.description,
  creditMonth,
  createdAt: c.createdAt.toISOString(),
});

export const ServiceFeeView = z.object({
  id: z.uuid(),
  contractId: z.uuid(),
  name: z.string(),
  monthlyYen: z.number().int(),
  fromMonth: z.string(),
  untilMonth: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export const toServiceFeeView = (f: ServiceFeeEntity): z.infer<typeof ServiceFeeView> => ({
  id: f.id,
  contractId: f.contractId,
  name: f.name,
  monthlyYen: f.monthlyYen,
  fromMonth: f.fromMonth,
  untilMonth: f.untilMonth,
  createdAt: f.createdAt.toISOString(),
});
