import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from "typeorm";

/**
 * An on-call rotation of one response line: members take `shiftHours` shifts in order,
 * counted from `startsAt`. Several rotations of a line may exist (the earliest-created
 * active one is consulted first).
 */
@Entity("oncall_rotations")
export class OncallRotationEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "text" }) name: string;
  /** first | second */
  @Column({ type: "text" }) line: string;
  /** User ids in rotation order. */
  @Column({ type: "jsonb" }) memberIds: string[];
  @Column({ type: "timestamptz" }) startsAt: Date;
  @Column({ type: "integer" }) shiftHours: number;
  @Column({ type: "uuid", nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt: Date;
}

/** Someone covers a rotation for a period instead of the scheduled member. */
@Entity("oncall_overrides")
@Index("idx_oncall_override_rotation", ["rotationId", "startsAt"])
export class OncallOverrideEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "uuid" }) rotationId: string;
  @Column({ type: "uuid" }) userId: string;
  @Column({ type: "timestamptz" }) startsAt: Date;
  @Column({ type: "timestamptz" }) endsAt: Date;
  @Column({ type: "text", nullable: true }) note: string | null;
  @Column({ type: "uuid", nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}

/** A shift hand-over note for the next engineer on call. */
@Entity("oncall_handover_notes")
export class OncallHandoverNoteEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column({ type: "uuid", nullable: true }) rotationId: string | null;
  @Column({ type: "uuid" }) authorId: string;
  @Column({ type: "text" }) note: string;
  @Index() @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
