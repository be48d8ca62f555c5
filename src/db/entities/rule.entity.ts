import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from "typeorm";

/**
 * A detection rule (SPEC 4). Scope: global (both ids null), one contract, or one component.
 * `packKey` names a default-pack rule; a contract-scoped rule with the same key overrides
 * the global one for that contract (and `enabled: false` there switches it off).
 */
@Entity("rules")
@Index("idx_rule_contract", ["contractId"])
@Index("idx_rule_component", ["componentId"])
export class RuleEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "uuid", nullable: true }) contractId: string | null;
  @Column({ type: "uuid", nullable: true }) componentId: string | null;
  @Column({ type: "text", nullable: true }) packKey: string | null;
  @Column({ type: "text" }) name: string;
  /** threshold | absence_component | absence_series */
  @Column({ type: "text" }) kind: string;
  @Column({ type: "text", nullable: true }) metric: string | null;
  /** Optional denominator metric: the rule compares metric / divideBy (same labels). */
  @Column({ type: "text", nullable: true }) divideBy: string | null;
  /** Exact label matchers, e.g. {"mountpoint": "/"}. */
  @Column({ type: "jsonb", default: {} }) matchers: Record<string, string>;
  /** > >= < <= == != */
  @Column({ type: "text", nullable: true }) op: string | null;
  @Column({ type: "double precision", nullable: true }) threshold: number | null;
  @Column({ type: "integer", default: 0 }) forSeconds: number;
  /** Hysteresis: the condition clears only past this value (defaults to the threshold). */
  @Column({ type: "double precision", nullable: true }) recoveryThreshold: number | null;
  @Column({ type: "integer", default: 0 }) recoveryForSeconds: number;
  @Column({ type: "integer", nullable: true }) absenceSeconds: number | null;
  /** rate | increase: the threshold applies to the counter's rate/increase over windowSeconds. */
  @Column({ type: "text", nullable: true }) counter: string | null;
  @Column({ type: "integer", nullable: true }) windowSeconds: number | null;
  /** sum | avg | max | min across the component's matching series, grouped by aggregateBy. */
  @Column({ type: "text", nullable: true }) aggregate: string | null;
  @Column({ type: "jsonb", default: [] }) aggregateBy: string[];
  /** Compare 1 − value (CPU busy from the idle share). */
  @Column({ type: "boolean", default: false }) complement: boolean;
  /** critical | warning | info */
  @Column({ type: "text" }) severity: string;
  @Column({ type: "boolean", default: true }) enabled: boolean;
  @Column({ type: "uuid", nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt: Date;
}
