import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from "typeorm";
import type { IncidentEntity } from "./incident.entity.js";

/**
 * One alert key (component, rule, label set) of an incident (decision 0014). A key is an
 * active member of at most one incident; an incident of one rule on many components of a
 * contract (an alert storm) is one incident with many members.
 */
@Entity("incident_members")
@Index("uq_incident_member_active", ["componentId", "ruleId", "labelsKey"], {
  unique: true,
  where: `"active"`,
})
@Index("idx_incident_member_key", ["componentId", "ruleId", "labelsKey", "lastFiredAt"])
@Index("idx_incident_member_incident", ["incidentId"])
export class IncidentMemberEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "uuid" }) incidentId: string;
  @ManyToOne("IncidentEntity", { onDelete: "CASCADE" })
  @JoinColumn({ name: "incident_id" })
  incident?: Relation<IncidentEntity>;
  @Column({ type: "uuid" }) contractId: string;
  @Column({ type: "uuid" }) componentId: string;
  @Column({ type: "uuid" }) ruleId: string;
  @Column({ type: "text" }) labelsKey: string;
  @Column({ type: "jsonb", default: {} }) labels: Record<string, string>;
  @Column({ type: "double precision", nullable: true }) value: number | null;
  @Column({ type: "timestamptz" }) firstFiredAt: Date;
  @Column({ type: "timestamptz" }) lastFiredAt: Date;
  @Column({ type: "timestamptz", nullable: true }) clearedAt: Date | null;
  /** The condition holds now. */
  @Column({ type: "boolean", default: true }) active: boolean;
}
