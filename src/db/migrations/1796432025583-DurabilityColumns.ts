import type { MigrationInterface, QueryRunner } from "typeorm";

export class DurabilityColumns1796432025583 implements MigrationInterface {
  name = "DurabilityColumns1796432025583";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "outbox_messages" ADD "retry_from" TIMESTAMP WITH TIME ZONE',
    );
    await queryRunner.query('ALTER TABLE "metric_rollups" ADD "last_at" TIMESTAMP WITH TIME ZONE');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "metric_rollups" DROP COLUMN "last_at"');
    await queryRunner.query('ALTER TABLE "outbox_messages" DROP COLUMN "retry_from"');
  }
}
