import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  type Relation,
} from "typeorm";
import type { ContractEntity } from "./contract.entity.js";

/** A runbook version; a new upload adds a row, earlier versions stay readable. */
@Entity("runbooks")
@Unique("uq_runbook_version", ["contractId", "kind", "name", "version"])
export class RunbookEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "uuid" }) contractId: string;
  @ManyToOne("ContractEntity", { onDelete: "CASCADE" })
  @JoinColumn({ name: "contract_id" })
  contract?: Relation<ContractEntity>;
  @Column({ type: "text" }) kind: string;
  @Column({ type: "text" }) name: string;
  @Column({ type: "integer" }) version: number;
  @Column({ type: "text" }) contentType: string;
  @Column({ type: "text" }) content: string;
  @Column({ type: "uuid", nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
