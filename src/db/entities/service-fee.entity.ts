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

/**
 * Another service of the contract (e.g. the cloud storage itself, `service` scope) billed
 * monthly from `fromMonth` to `untilMonth` inclusive; a price change ends one row and adds one.
 */
@Entity("service_fees")
@Index("idx_service_fee_contract", ["contractId"])
export class ServiceFeeEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "uuid" }) contractId: string;
  @ManyToOne("ContractEntity", { onDelete: "CASCADE" })
  @JoinColumn({ name: "contract_id" })
  contract?: Relation<ContractEntity>;
  @Column({ type: "text" }) name: string;
  @Column({ type: "bigint", transformer: numericTransformer }) monthlyYen: number;
  @Column({ type: "text" }) fromMonth: string;
  @Column({ type: "text", nullable: true }) untilMonth: string | null;
  @Column({ type: "uuid", nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
