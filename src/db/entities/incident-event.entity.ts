import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/**
 * The incident timeline, and the platform's change feed: the identity id is a global,
 * increasing version a realtime client resumes from.
 */
@Entity("incident_events")
@Index("idx_incident_event_incident", ["incidentId", "id"])
@Index("idx_incident_event_contract", ["contractId", "id"])
export class IncidentEventEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint" }) id: string;
  @Column({ type: "uuid" }) incidentId: string;
  @Column({ type: "uuid" }) contractId: string;
  @Column({ type: "timestamptz" }) at: Date;
  /** opened, repeated, routed, paged, acknowledged, escalated, resolved, reopened, … */
  @Column({ type: "text" }) kind: string;
  @Column({ type: "uuid", nullable: true }) actorId: string | null;
  /** "system", a user's display name, or "rule engine". */
  @Column({ type: "text" }) actorName: string;
  @Column({ type: "text", nullable: true }) note: string | null;
  @Column({ type: "jsonb", default: {} }) data: Record<string, unknown>;
  /** Shown in the customer portal (internal NOC notes are not). */
  @Column({ type: "boolean", default: true }) customerVisible: boolean;
}
