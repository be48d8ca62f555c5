import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from "typeorm";
import type { ContractEntity } from "./contract.entity.js";

/**
 * A period of total unavailability (SPEC 4). `cause` stays null until NOC staff classify it,
 * and `restoredAt` null means still open; both feed the billing exemptions (SPEC 6.4).
 */
@Entity("outages")
@Index("idx_outage_contract_known", ["contractId", "knownAt"])
export class OutageEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "uuid" }) contractId: string;
  @ManyToOne("ContractEntity", { onDelete: "CASCADE" })
  @JoinColumn({ name: "contract_id" })
  contract?: Relation<ContractEntity>;
  @Column({ type: "text" }) scope: string;
  @Column({ type: "text", nullable: true }) cause: string | null;
  @Column({ type: "timestamptz" }) knownAt: Date;
  @Column({ type: "timestamptz", nullable: true }) restoredAt: Date | null;
  @Column({ type: "text" }) description: string;
  /** The incident that revealed it, once the incident engine exists. */
  @Column({ type: "uuid", nullable: true }) incidentId: string | null;
  @Column({ type: "uuid", nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt: Date;
}
