import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  type Relation,
} from "typeorm";
import type { ContractEntity } from "./contract.entity.js";
import { numericTransformer } from "./numeric.transformer.js";

/**
 * One issued invoice, immutable (a trigger refuses UPDATE): a correction is a new row with
 * the next revision and a reason. Lines and the scenario that produced them are kept as
 * issued, so an invoice can always be explained and reproduced.
 */
@Entity("invoices")
@Unique("uq_invoice_revision", ["contractId", "month", "revision"])
@Index("idx_invoice_month", ["month"])
export class InvoiceEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "uuid" }) contractId: string;
  @ManyToOne("ContractEntity", { onDelete: "RESTRICT" })
  @JoinColumn({ name: "contract_id" })
  contract?: Relation<ContractEntity>;
  /** The billed JST month, YYYY-MM. */
  @Column({ type: "text" }) month: string;
  @Column({ type: "integer" }) revision: number;
  /** Why a revision was issued; null for revision 1. */
  @Column({ type: "text", nullable: true }) reason: string | null;
  /** The customer's name when the invoice was issued. */
  @Column({ type: "text" }) customerName: string;
  @Column({ type: "jsonb" }) lines: Record<string, unknown>[];
  @Column({ type: "bigint", transformer: numericTransformer }) subtotalYen: number;
  @Column({ type: "bigint", transformer: numericTransformer }) taxYen: number;
  @Column({ type: "bigint", transformer: numericTransformer }) totalYen: number;
  @Column({ type: "numeric", precision: 5, scale: 2, transformer: numericTransformer })
  taxRatePercent: number;
  @Column({ type: "text" }) tariffVersion: string;
  @Column({ type: "timestamptz" }) issuedAt: Date;
  @Column({ type: "date" }) dueDate: string;
  /** The BillingScenario computed (SPEC 7), as JSON. */
  @Column({ type: "jsonb" }) scenario: Record<string, unknown>;
  /** Payments whose late interest this invoice bills, so each is billed exactly once. */
  @Column({ type: "uuid", array: true, default: () => "'{}'" }) interestPaymentIds: string[];
  /** The user who issued it; null for the scheduled close. */
  @Column({ type: "uuid", nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
