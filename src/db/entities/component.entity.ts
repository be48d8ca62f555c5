import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  type Relation,
} from "typeorm";
import type { ContractEntity } from "./contract.entity.js";

@Entity("components")
@Unique("uq_component_name", ["contractId", "name"])
export class ComponentEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Index() @Column({ type: "uuid" }) contractId: string;
  @ManyToOne("ContractEntity", { onDelete: "CASCADE" })
  @JoinColumn({ name: "contract_id" })
  contract?: Relation<ContractEntity>;
  /** The VM's name; also the `instance` label value for per-contract ingest tokens. */
  @Column({ type: "text" }) name: string;
  @Column({ type: "text" }) os: string;
  @Column({ type: "integer", default: 0 }) capRelaxations: number;
  @Column({ type: "date" }) activeFrom: string;
  @Column({ type: "date", nullable: true }) activeUntil: string | null;
  @Column({ type: "timestamptz", nullable: true }) lastSeenAt: Date | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
