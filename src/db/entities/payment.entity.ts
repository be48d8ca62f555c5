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
import type { InvoiceEntity } from "./invoice.entity.js";
import { numericTransformer } from "./numeric.transformer.js";

/** A payment received against an invoice; late ones earn interest on a later invoice. */
@Entity("payments")
export class PaymentEntity {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Index() @Column({ type: "uuid" }) invoiceId: string;
  @ManyToOne("InvoiceEntity", { onDelete: "RESTRICT" })
  @JoinColumn({ name: "invoice_id" })
  invoice?: Relation<InvoiceEntity>;
  @Column({ type: "date" }) paidDate: string;
  @Column({ type: "bigint", transformer: numericTransformer }) amountYen: number;
  @Column({ type: "uuid", nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
