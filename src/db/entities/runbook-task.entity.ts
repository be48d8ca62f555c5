import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/**
 * Premium runbook execution (SPEC 4): one task run against an ops runbook on file. Minutes
 * (rounded up) are recorded at finish and count in the JST month the task started.
 */
@Entity("runbook_tasks")
@Index("idx_runbook_task_contract_month", ["contractId", "month"])
export class RunbookTaskEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "uuid" }) contractId: string;
  @Column({ type: "uuid" }) runbookId: string;
  @Column({ type: "uuid", nullable: true }) componentId: string | null;
  @Column({ type: "uuid", nullable: true }) incidentId: string | null;
  @Column({ type: "text" }) month: string;
  @Column({ type: "timestamptz" }) startedAt: Date;
  @Column({ type: "uuid" }) startedBy: string;
  @Column({ type: "timestamptz", nullable: true }) finishedAt: Date | null;
  @Column({ type: "uuid", nullable: true }) finishedBy: string | null;
  @Column({ type: "integer", nullable: true }) minutes: number | null;
  @Column({ type: "text", nullable: true }) note: string | null;
}
