import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/**
 * A maintenance window of a contract (componentId null) or one component. Recurring windows
 * repeat `startsAt…endsAt` daily, weekly or monthly (JST calendar) until `until`.
 */
@Entity("maintenance_windows")
@Index("idx_maintenance_contract", ["contractId"])
export class MaintenanceWindowEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "uuid" }) contractId: string;
  @Column({ type: "uuid", nullable: true }) componentId: string | null;
  @Column({ type: "timestamptz" }) startsAt: Date;
  @Column({ type: "timestamptz" }) endsAt: Date;
  /** none | daily | weekly | monthly */
  @Column({ type: "text", default: "none" }) recurrence: string;
  @Column({ type: "timestamptz", nullable: true }) until: Date | null;
  @Column({ type: "text" }) reason: string;
  @Column({ type: "uuid", nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
