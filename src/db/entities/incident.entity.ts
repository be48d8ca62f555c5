import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from "typeorm";
import type { ContractEntity } from "./contract.entity.js";

/**
 * One problem under one rule (SPEC 4): of one component and label set, or of many
 * components of one contract at once (an alert storm, decision 0014). Its alert keys are
 * `incident_members`; the component and labels here are the first member's. Repeats join it. Transitions are conditional
 * updates that bump `version`; each also appends an `incident_events` row.
 */
@Entity("incidents")
@Index("idx_incident_group", ["contractId", "ruleId", "openedAt"], {
  where: `"state" <> 'resolved'`,
})
@Index("idx_incident_contract_opened", ["contractId", "openedAt"])
@Index("idx_incident_state", ["state"])
@Index("idx_incident_escalate", ["escalateAt"], { where: `"escalate_at" IS NOT NULL` })
export class IncidentEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "uuid" }) contractId: string;
  @ManyToOne("ContractEntity", { onDelete: "CASCADE" })
  @JoinColumn({ name: "contract_id" })
  contract?: Relation<ContractEntity>;
  @Column({ type: "uuid", nullable: true }) componentId: string | null;
  @Column({ type: "uuid", nullable: true }) ruleId: string | null;
  @Column({ type: "text" }) ruleName: string;
  @Column({ type: "text" }) ruleKind: string;
  /** Canonical `k=v,…` of the series labels the rule fired on ("" for component-wide). */
  @Column({ type: "text" }) labelsKey: string;
  @Column({ type: "jsonb", default: {} }) labels: Record<string, string>;
  @Column({ type: "text", nullable: true }) metric: string | null;
  @Column({ type: "text" }) severity: string;
  /** open | acknowledged | resolved */
  @Column({ type: "text" }) state: string;
  /** watch | first_line | second_line | runbook — null until routed (e.g. in maintenance). */
  @Column({ type: "text", nullable: true }) tier: string | null;
  /** Routed as watch because the plan's incident runbook is not on file (NOC warning). */
  @Column({ type: "boolean", default: false }) runbookMissing: boolean;
  /** Opened inside a maintenance window: evaluated, not paged or e-mailed. */
  @Column({ type: "boolean", default: false }) suppressed: boolean;
  /** Took a unit of the month's response quota (SPEC 4). */
  @Column({ type: "boolean", default: false }) countsQuota: boolean;
  @Column({ type: "boolean", default: false }) overage: boolean;
  @Column({ type: "double precision", nullable: true }) value: number | null;
  @Column({ type: "double precision", nullable: true }) threshold: number | null;
  /** Detection time: when the condition was met (the breaching sample's time). */
  @Column({ type: "timestamptz" }) openedAt: Date;
  @Column({ type: "timestamptz" }) lastFiredAt: Date;
  @Column({ type: "integer", default: 1 }) repeatCount: number;
  /** Members whose condition holds now (incident_members.active). */
  @Column({ type: "integer", default: 1 }) memberCount: number;
  /** Distinct members ever joined; more than one makes it a grouped incident. */
  @Column({ type: "integer", default: 1 }) membersTotal: number;
  /** component | contract (most of the contract's components silent: "contract unreachable"). */
  @Column({ type: "text", default: "component" }) scope: string;
  @Column({ type: "timestamptz", nullable: true }) routedAt: Date | null;
  @Column({ type: "timestamptz", nullable: true }) acknowledgedAt: Date | null;
  @Column({ type: "uuid", nullable: true }) acknowledgedBy: string | null;
  @Column({ type: "timestamptz", nullable: true }) conditionClearedAt: Date | null;
  @Column({ type: "timestamptz", nullable: true }) resolvedAt: Date | null;
  @Column({ type: "uuid", nullable: true }) resolvedBy: string | null;
  /** auto | manual | false_alarm */
  @Column({ type: "text", nullable: true }) resolution: string | null;
  @Column({ type: "text", nullable: true }) resolveNote: string | null;
  @Column({ type: "integer", default: 0 }) reopenCount: number;
  /** 0 = first-line on call paged; each escalation adds one (see domain/incidents/escalation). */
  @Column({ type: "integer", default: 0 }) escalationLevel: number;
  /** When the unacknowledged page escalates; null when nothing is pending. */
  @Column({ type: "timestamptz", nullable: true }) escalateAt: Date | null;
  /** The engineer currently paged. */
  @Column({ type: "uuid", nullable: true }) assigneeId: string | null;
  @Column({ type: "uuid", nullable: true }) outageId: string | null;
  @Column({ type: "integer", default: 1 }) version: number;
}
