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

@Entity("contacts")
export class ContactEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Index() @Column({ type: "uuid" }) contractId: string;
  @ManyToOne("ContractEntity", { onDelete: "CASCADE" })
  @JoinColumn({ name: "contract_id" })
  contract?: Relation<ContractEntity>;
  @Column({ type: "text" }) name: string;
  @Column({ type: "text" }) email: string;
  @Column({ type: "text" }) language: string;
}
