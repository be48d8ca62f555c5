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
import type { UserEntity } from "./user.entity.js";

/** Login sessions and API keys: both are bearer secrets stored as SHA-256 hashes. */
@Entity("credentials")
export class CredentialEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "text" }) kind: string;
  @Index() @Column({ type: "uuid" }) userId: string;
  @ManyToOne("UserEntity", { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user?: Relation<UserEntity>;
  @Index({ unique: true }) @Column({ type: "text" }) secretHash: string;
  @Column({ type: "text" }) prefix: string;
  @Column({ type: "text", nullable: true }) name: string | null;
  @Column({ type: "timestamptz", nullable: true }) expiresAt: Date | null;
  @Column({ type: "timestamptz", nullable: true }) revokedAt: Date | null;
  @Column({ type: "timestamptz", nullable: true }) lastUsedAt: Date | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
