import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

@Entity("audit_log")
export class AuditLogEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint" }) id: string;
  @Index() @Column({ type: "timestamptz" }) at: Date;
  @Column({ type: "text" }) actorType: string;
  @Column({ type: "text", nullable: true }) actorId: string | null;
  @Column({ type: "text" }) action: string;
  @Column({ type: "text" }) entityType: string;
  @Column({ type: "text" }) entityId: string;
  @Index() @Column({ type: "uuid", nullable: true }) contractId: string | null;
  @Column({ type: "jsonb", nullable: true }) before: Record<string, unknown> | null;
  @Column({ type: "jsonb", nullable: true }) after: Record<string, unknown> | null;
  @Column({ type: "text", nullable: true }) requestId: string | null;
}
