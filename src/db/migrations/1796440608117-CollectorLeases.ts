import type { MigrationInterface, QueryRunner } from "typeorm";

/** Collectors and their contract leases (decision 0019). */
export class CollectorLeases1796440608117 implements MigrationInterface {
  name = "CollectorLeases1796440608117";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "collectors" ("id" text NOT NULL, "url" text NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "heartbeat_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_da4185226ea730100d5aa647afe" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "contract_leases" ("contract_id" uuid NOT NULL, "collector_id" text NOT NULL, "claimed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_7ba8bf150fec29640a07eb06f47" PRIMARY KEY ("contract_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_240d1bb1418cb19e4112167bcc" ON "contract_leases" ("collector_id") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_240d1bb1418cb19e4112167bcc"');
    await queryRunner.query('DROP TABLE "contract_leases"');
    await queryRunner.query('DROP TABLE "collectors"');
  }
}
