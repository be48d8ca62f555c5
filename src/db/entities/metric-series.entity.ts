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
import type { ComponentEntity } from "./component.entity.js";

/** A series seen by the collector; rollups refer to it by id instead of repeating labels. */
@Entity("metric_series")
@Unique("uq_metric_series_key", ["componentId", "labelsKey"])
export class MetricSeriesEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint" }) id: string;
  @Index() @Column({ type: "uuid" }) componentId: string;
  @ManyToOne("ComponentEntity", { onDelete: "CASCADE" })
  @JoinColumn({ name: "component_id" })
  component?: Relation<ComponentEntity>;
  /** Canonical `name{a="b",…}` text, sorted by label name. */
  @Column({ type: "text" }) labelsKey: string;
  @Column({ type: "jsonb" }) labels: Record<string, string>;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
