import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { numericTransformer } from "./numeric.transformer.js";

/**
 * A contract's plan from `effectiveMonth` on (Art. 11 (3)). The plan of a month is the latest
 * change whose effective month is not after it; the contract row's `plan` is the plan of today.
 */
@Entity("contract_plan_changes")
@Index("idx_plan_change_contract", ["contractId", "effectiveMonth"])
export class PlanChangeEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "uuid" }) contractId: string;
  @Column({ type: "text" }) fromPlan: string;
  @Column({ type: "text" }) plan: string;
  /** First billed JST month of the new plan, YYYY-MM. */
  @Column({ type: "text" }) effectiveMonth: string;
  @Column({ type: "uuid", nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}

/**
 * A component's OS and cap relaxation steps from `effectiveMonth` on: each month is billed on
 * the state in force in it, so a later change never reprices a closed month.
 */
@Entity("component_changes")
@Index("idx_component_change", ["componentId", "effectiveMonth"])
export class ComponentChangeEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "uuid" }) componentId: string;
  @Column({ type: "uuid" }) contractId: string;
  @Column({ type: "text" }) effectiveMonth: string;
  @Column({ type: "text" }) os: string;
  @Column({ type: "integer" }) capRelaxations: number;
  @Column({ type: "uuid", nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}

/** A tariff version (SPEC 6.1): prices and tax rate as data, in force from `effectiveFrom`. */
@Entity("tariff_versions")
export class TariffVersionEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Index({ unique: true }) @Column({ type: "text" }) version: string;
  @Index({ unique: true }) @Column({ type: "text" }) effectiveFrom: string;
  /** The whole Tariff (domain/billing/tariff.ts) as JSON. */
  @Column({ type: "jsonb" }) tariff: Record<string, unknown>;
  @Column({ type: "uuid", nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}

/** A manual invoice line (disaster waiver, advance payment): reason and approver on record. */
@Entity("invoice_adjustments")
@Index("idx_adjustment_contract_month", ["contractId", "month"])
export class InvoiceAdjustmentEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "uuid" }) contractId: string;
  @Column({ type: "text" }) month: string;
  @Column({ type: "text" }) reason: string;
  /** Signed: a reduction is negative. */
  @Column({ type: "bigint", transformer: numericTransformer }) amountYen: number;
  @Column({ type: "boolean", default: true }) taxable: boolean;
  @Column({ type: "text" }) approvedBy: string;
  @Column({ type: "uuid", nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
