import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * A running collector process and where its peers reach it (decision 0019): alive while
 * its heartbeat is recent. See src/collector/ownership.ts.
 */
@Entity("collectors")
export class CollectorEntity {
  @PrimaryColumn({ type: "text" }) id: string;
  /** Base URL other collectors forward a push to (COLLECTOR_INTERNAL_URL). */
  @Column({ type: "text" }) url: string;
  @Column({ type: "timestamptz" }) startedAt: Date;
  @Column({ type: "timestamptz" }) heartbeatAt: Date;
}

/**
 * Which collector owns a contract's components (all of them: a token belongs to one
 * contract), until `expiresAt` unless its owner renews it (decision 0019).
 */
@Entity("contract_leases")
@Index(["collectorId"])
export class ContractLeaseEntity {
  @PrimaryColumn({ type: "uuid" }) contractId: string;
  @Column({ type: "text" }) collectorId: string;
  @Column({ type: "timestamptz" }) claimedAt: Date;
  @Column({ type: "timestamptz" }) expiresAt: Date;
}
