import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from "typeorm";

/**
 * Transactional outbox: a message written in the same transaction as the change that
 * causes it, claimed by a worker with FOR UPDATE SKIP LOCKED. States:
 * queued → sending → sent | failed | skipped | merged.
 */
@Entity("outbox_messages")
@Index("idx_outbox_due", ["state", "nextAttemptAt"])
@Index("idx_outbox_incident", ["incidentId"])
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  /** (incident, event, recipient, channel) or the like: one message per key, ever. */
  @Index({ unique: true }) @Column({ type: "text" }) idempotencyKey: string;
  /** email | webhook */
  @Column({ type: "text" }) channel: string;
  /** An e-mail address or a webhook endpoint id. */
  @Column({ type: "text" }) recipient: string;
  @Column({ type: "uuid", nullable: true }) contractId: string | null;
  @Column({ type: "uuid", nullable: true }) incidentId: string | null;
  /** What happened: incident.opened, incident.resolved, page, quota.overage, … */
  @Column({ type: "text" }) event: string;
  @Column({ type: "text", default: "ja" }) language: string;
  /** Everything the channel needs to send (rendered at enqueue or at send). */
  @Column({ type: "jsonb" }) payload: Record<string, unknown>;
  @Column({ type: "text", default: "queued" }) state: string;
  @Column({ type: "integer", default: 0 }) attempts: number;
  @Column({ type: "timestamptz" }) nextAttemptAt: Date;
  @Column({ type: "timestamptz", nullable: true }) claimedAt: Date | null;
  @Column({ type: "text", nullable: true }) lastError: string | null;
  /** When its current run of retries began (null: when it was queued); a manual retry sets it. */
  @Column({ type: "timestamptz", nullable: true }) retryFrom: Date | null;
  @Column({ type: "timestamptz", nullable: true }) sentAt: Date | null;
  /** The Message-ID (e-mail) or response id the channel reported. */
  @Column({ type: "text", nullable: true }) providerId: string | null;
  /** A digest that took this message's place. */
  @Column({ type: "uuid", nullable: true }) mergedInto: string | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt: Date;
}

/** The embedded default's e-mail sink: messages "sent" without SMTP, readable in UI and API. */
@Entity("mailbox_messages")
@Index("idx_mailbox_contract", ["contractId", "receivedAt"])
export class MailboxMessageEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Index({ unique: true }) @Column({ type: "uuid" }) outboxId: string;
  @Column({ type: "uuid", nullable: true }) contractId: string | null;
  @Column({ type: "text" }) from: string;
  @Column({ type: "text" }) to: string;
  @Column({ type: "text" }) subject: string;
  @Column({ type: "text" }) text: string;
  @Column({ type: "text" }) html: string;
  @Column({ type: "jsonb", default: {} }) headers: Record<string, string>;
  @Column({ type: "timestamptz" }) receivedAt: Date;
}

/** A JSON webhook (chat tool, paging service); bodies are HMAC-SHA256 signed with `secret`. */
@Entity("webhook_endpoints")
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  /** null: a staff endpoint (pages); otherwise the customer's. */
  @Column({ type: "uuid", nullable: true }) contractId: string | null;
  @Column({ type: "text" }) name: string;
  @Column({ type: "text" }) url: string;
  @Column({ type: "text" }) secret: string;
  /** Event names it receives; empty = all. */
  @Column({ type: "jsonb", default: [] }) events: string[];
  @Column({ type: "boolean", default: true }) enabled: boolean;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
