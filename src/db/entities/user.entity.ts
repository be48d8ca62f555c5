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

@Entity("users")
export class UserEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Index({ unique: true }) @Column({ type: "text" }) email: string;
  @Column({ type: "text" }) displayName: string;
  @Column({ type: "text" }) role: string;
  /** Set only for role `customer`: the one contract this user belongs to. */
  @Index() @Column({ type: "uuid", nullable: true }) contractId: string | null;
  @ManyToOne("ContractEntity", { onDelete: "CASCADE" })
  @JoinColumn({ name: "contract_id" })
  contract?: Relation<ContractEntity>;
  @Column({ type: "text" }) passwordHash: string;
  @Column({ type: "text", default: "ja" }) language: string;
  @Column({ type: "boolean", default: false }) mustChangePassword: boolean;
  @Column({ type: "timestamptz", nullable: true }) disabledAt: Date | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
