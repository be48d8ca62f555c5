import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from "typeorm";

@Entity("contracts")
export class ContractEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "text" }) customerName: string;
  @Column({ type: "text" }) plan: string;
  @Index() @Column({ type: "text" }) status: string;
  @Column({ type: "text", default: "graduated" }) tierMode: string;
  /** When the application was received (Art. 7); the 60-day deemed rejection counts from it. */
  @Column({ type: "timestamptz" }) receivedAt: Date;
  @Column({ type: "timestamptz", nullable: true }) decidedAt: Date | null;
  @Column({ type: "date", nullable: true }) startDate: string | null;
  @Column({ type: "date", nullable: true }) endDate: string | null;
  @Column({ type: "text", nullable: true }) rejectionReason: string | null;
  @Column({ type: "date", nullable: true }) cancellationNoticeDate: string | null;
  @Column({ type: "date", nullable: true }) cancellationDesiredDate: string | null;
  @Column({ type: "timestamptz", nullable: true }) terminatedAt: Date | null;
  /** customer | provider_fault | non_payment (Art. 11 (2): no charge for provider fault). */
  @Column({ type: "text", nullable: true }) terminationReason: string | null;
  /** Service stopped or restricted from this instant (Art. 15 (4), 17 (2), 18, 25); billing continues. */
  @Column({ type: "timestamptz", nullable: true }) suspendedFrom: Date | null;
  /** suspension (pushes refused) | restriction (pushes kept, no response). */
  @Column({ type: "text", nullable: true }) suspensionKind: string | null;
  @Column({ type: "text", nullable: true }) suspensionReason: string | null;
  /** An objection to renewal (Art. 11): the contract ends at the term's end. */
  @Column({ type: "date", nullable: true }) renewalObjectionDate: string | null;
  @Column({ type: "text", nullable: true }) renewalObjectionBy: string | null;
  /** Label that names the component in series sent with a per-contract ingest token. */
  @Column({ type: "text", default: "instance" }) instanceLabel: string;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt: Date;
  @VersionColumn({ type: "integer" }) version: number;
}
