import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from "typeorm";
import type { ContractEntity } from "./contract.entity.js";
import { numericTransformer } from "./numeric.transformer.js";

/** A liability claim (Art. 21), credited on the invoice two months after the damage. */
@Entity("liability_credits")
@Index("idx_liability_credit_contract_damage", ["contractId", "damageDate"])
export class LiabilityCreditEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "uuid" }) contractId: string;
  @ManyToOne("ContractEntity", { onDelete: "CASCADE" })
  @JoinColumn({ name: "contract_id" })
  contract?: Relation<ContractEntity>;
  @Column({ type: "date" }) damageDate: string;
  @Column({ type: "date" }) claimDate: string;
  @Column({ type: "bigint", transformer: numericTransformer }) amountYen: number;
  @Column({ type: "text" }) description: string;
  @Column({ type: "uuid", nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
