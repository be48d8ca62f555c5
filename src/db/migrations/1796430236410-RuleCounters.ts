import type { MigrationInterface, QueryRunner } from "typeorm";

export class RuleCounters1796430236410 implements MigrationInterface {
  name = "RuleCounters1796430236410";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "rules" ADD "counter" text');
    await queryRunner.query('ALTER TABLE "rules" ADD "window_seconds" integer');
    await queryRunner.query('ALTER TABLE "rules" ADD "aggregate" text');
    await queryRunner.query('ALTER TABLE "rules" ADD "aggregate_by" jsonb NOT NULL DEFAULT \'[]\'');
    await queryRunner.query('ALTER TABLE "rules" ADD "complement" boolean NOT NULL DEFAULT false');
    // The seeded global CPU rule read node_cpu_busy_ratio, which only the bundled agent made
    // up: rewrite it on node_exporter's idle counter (overrides of contracts stay theirs).
    await queryRunner.query(
      `UPDATE "rules" SET "metric" = 'node_cpu_seconds_total', "matchers" = '{"mode":"idle"}',
         "counter" = 'rate', "window_seconds" = 120, "aggregate" = 'avg', "complement" = true
       WHERE "pack_key" = 'cpu_high' AND "contract_id" IS NULL AND "component_id" IS NULL
         AND "metric" = 'node_cpu_busy_ratio'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "rules" DROP COLUMN "complement"');
    await queryRunner.query('ALTER TABLE "rules" DROP COLUMN "aggregate_by"');
    await queryRunner.query('ALTER TABLE "rules" DROP COLUMN "aggregate"');
    await queryRunner.query('ALTER TABLE "rules" DROP COLUMN "window_seconds"');
    await queryRunner.query('ALTER TABLE "rules" DROP COLUMN "counter"');
  }
}
