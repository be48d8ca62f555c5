import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/** One series' minute: min, max, sum and count (avg = sum / count) and the last value. */
@Entity("metric_rollups")
@Index("ix_metric_rollups_minute", ["minute"])
export class MetricRollupEntity {
  @PrimaryColumn({ type: "bigint" }) seriesId: string;
  @PrimaryColumn({ type: "timestamptz" }) minute: Date;
  @Column({ type: "double precision" }) min: number;
  @Column({ type: "double precision" }) max: number;
  @Column({ type: "double precision" }) sum: number;
  @Column({ type: "integer" }) count: number;
  @Column({ type: "double precision" }) last: number;
  /** When the minute's last sample was taken (null: rows written before it was kept). */
  @Column({ type: "timestamptz", nullable: true }) lastAt: Date | null;
}
