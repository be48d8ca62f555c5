import type { MigrationInterface, QueryRunner } from "typeorm";

export class IncidentGroups1796430138691 implements MigrationInterface {
  name = "IncidentGroups1796430138691";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."uq_incident_unresolved"');
    await queryRunner.query(
      'CREATE TABLE "incident_members" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "incident_id" uuid NOT NULL, "contract_id" uuid NOT NULL, "component_id" uuid NOT NULL, "rule_id" uuid NOT NULL, "labels_key" text NOT NULL, "labels" jsonb NOT NULL DEFAULT \'{}\', "value" double precision, "first_fired_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_fired_at" TIMESTAMP WITH TIME ZONE NOT NULL, "cleared_at" TIMESTAMP WITH TIME ZONE, "active" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_40e93a93ee5c4f440b2a2b37741" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_incident_member_incident" ON "incident_members"  ("incident_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_incident_member_key" ON "incident_members"  ("component_id", "rule_id", "labels_key", "last_fired_at") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_incident_member_active" ON "incident_members"  ("component_id", "rule_id", "labels_key") WHERE "active"',
    );
    await queryRunner.query(
      'ALTER TABLE "incidents" ADD "member_count" integer NOT NULL DEFAULT \'1\'',
    );
    await queryRunner.query(
      'ALTER TABLE "incidents" ADD "members_total" integer NOT NULL DEFAULT \'1\'',
    );
    await queryRunner.query(
      'ALTER TABLE "incidents" ADD "scope" text NOT NULL DEFAULT \'component\'',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_incident_group" ON "incidents"  ("contract_id", "rule_id", "opened_at") WHERE "state" <> \'resolved\'',
    );
    // Every incident so far had one alert key: it becomes its first member.
    await queryRunner.query(
      `INSERT INTO incident_members (incident_id, contract_id, component_id, rule_id, labels_key, labels, value, first_fired_at, last_fired_at, cleared_at, active)
       SELECT id, contract_id, component_id, rule_id, labels_key, labels, value, opened_at, last_fired_at, condition_cleared_at, state <> 'resolved'
       FROM incidents WHERE component_id IS NOT NULL AND rule_id IS NOT NULL`,
    );
    await queryRunner.query(`UPDATE incidents SET member_count = 0 WHERE state = 'resolved'`);
    await queryRunner.query(
      'ALTER TABLE "incident_members" ADD CONSTRAINT "FK_b4873b8e724dd2c1fcea6608deb" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "incident_members" DROP CONSTRAINT "FK_b4873b8e724dd2c1fcea6608deb"',
    );
    await queryRunner.query('DROP INDEX "public"."idx_incident_group"');
    await queryRunner.query('ALTER TABLE "incidents" DROP COLUMN "scope"');
    await queryRunner.query('ALTER TABLE "incidents" DROP COLUMN "members_total"');
    await queryRunner.query('ALTER TABLE "incidents" DROP COLUMN "member_count"');
    await queryRunner.query('DROP INDEX "public"."uq_incident_member_active"');
    await queryRunner.query('DROP INDEX "public"."idx_incident_member_key"');
    await queryRunner.query('DROP INDEX "public"."idx_incident_member_incident"');
    await queryRunner.query('DROP TABLE "incident_members"');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_incident_unresolved" ON "incidents" USING btree ("component_id", "labels_key", "rule_id") WHERE (state <> \'resolved\'::text)',
    );
  }
}
