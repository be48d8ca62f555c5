import type { MigrationInterface, QueryRunner } from "typeorm";

export class RollupLastAt1796430615407 implements MigrationInterface {
  name = "RollupLastAt1796430615407";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "metric_rollups" ADD "last_at" TIMESTAMP WITH TIME ZONE');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "metric_rollups" DROP COLUMN "last_at"');
  }
}
