import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/**
 * One unit of a contract's monthly response quota (SPEC 4), taken inside the transaction
 * that routes the incident to a human while the contract row is locked. `releasedAt` is set
 * when the incident is closed as a false alarm before anyone acknowledged it.
 */
@Entity("response_quota_units")
@Index("idx_quota_contract_month", ["contractId", "month"])
export class ResponseQuotaUnitEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "uuid" }) contractId: string;
  /** JST calendar month, YYYY-MM. */
  @Column({ type: "text" }) month: string;
  @Index({ unique: true }) @Column({ type: "uuid" }) incidentId: string;
  /** The nth response of the month (1-based) when taken. */
  @Column({ type: "integer" }) ordinal: number;
  @Column({ type: "boolean" }) overage: boolean;
  @Column({ type: "timestamptz" }) takenAt: Date;
  @Column({ type: "timestamptz", nullable: true }) releasedAt: Date | null;
}
