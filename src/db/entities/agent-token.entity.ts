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
import type { ComponentEntity } from "./component.entity.js";
import type { ContractEntity } from "./contract.entity.js";

/**
 * An ingest credential. Scope `component`: the bundled agent of one VM. Scope `contract`:
 * a standard agent (Prometheus, vmagent) scraping many VMs of one contract. Only the
 * SHA-256 of the secret is stored; the secret is shown once.
 */
@Entity("agent_tokens")
@Index("uq_agent_token_active_component", ["componentId"], {
  unique: true,
  where: `"revoked_at" IS NULL AND "component_id" IS NOT NULL`,
})
export class AgentTokenEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Index() @Column({ type: "uuid" }) contractId: string;
  @ManyToOne("ContractEntity", { onDelete: "CASCADE" })
  @JoinColumn({ name: "contract_id" })
  contract?: Relation<ContractEntity>;
  @Column({ type: "uuid", nullable: true }) componentId: string | null;
  @ManyToOne("ComponentEntity", { onDelete: "CASCADE" })
  @JoinColumn({ name: "component_id" })
  component?: Relation<ComponentEntity>;
  @Column({ type: "text" }) scope: string;
  @Index({ unique: true }) @Column({ type: "text" }) tokenHash: string;
  /** First characters of the secret, to tell tokens apart in lists. */
  @Column({ type: "text" }) prefix: string;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
  @Column({ type: "timestamptz", nullable: true }) revokedAt: Date | null;
}
