import type { MigrationInterface, QueryRunner } from "typeorm";

export class ContractLifecycle1796430087971 implements MigrationInterface {
  name = "ContractLifecycle1796430087971";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "contract_plan_changes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "contract_id" uuid NOT NULL, "from_plan" text NOT NULL, "plan" text NOT NULL, "effective_month" text NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b0cf7a2bdda8b86591f62a3f05b" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_plan_change_contract" ON "contract_plan_changes"  ("contract_id", "effective_month") ',
    );
    await queryRunner.query(
      'CREATE TABLE "component_changes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "component_id" uuid NOT NULL, "contract_id" uuid NOT NULL, "effective_month" text NOT NULL, "os" text NOT NULL, "cap_relaxations" integer NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_732dcf3f46396b4ce0b6051b020" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_component_change" ON "component_changes"  ("component_id", "effective_month") ',
    );
    await queryRunner.query(
      'CREATE TABLE "tariff_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "version" text NOT NULL, "effective_from" text NOT NULL, "tariff" jsonb NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c075543cdd7074f341ba2d7a712" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_efd1acf9f569aca70a298d0f03" ON "tariff_versions"  ("version") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_f757177dd9c8eed0b4fbbd97e6" ON "tariff_versions"  ("effective_from") ',
    );
    await queryRunner.query(
      'CREATE TABLE "invoice_adjustments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "contract_id" uuid NOT NULL, "month" text NOT NULL, "reason" text NOT NULL, "amount_yen" bigint NOT NULL, "taxable" boolean NOT NULL DEFAULT true, "approved_by" text NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4c311f559eecb3568514884f42d" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_adjustment_contract_month" ON "invoice_adjustments"  ("contract_id", "month") ',
    );
    await queryRunner.query('ALTER TABLE "contracts" ADD "termination_reason" text');
    await queryRunner.query(
      'ALTER TABLE "contracts" ADD "suspended_from" TIMESTAMP WITH TIME ZONE',
    );
    await queryRunner.query('ALTER TABLE "contracts" ADD "suspension_kind" text');
    await queryRunner.query('ALTER TABLE "contracts" ADD "suspension_reason" text');
    await queryRunner.query('ALTER TABLE "contracts" ADD "renewal_objection_date" date');
    await queryRunner.query('ALTER TABLE "contracts" ADD "renewal_objection_by" text');
    // Every existing component's state as of its first month, so the close has a history.
    await queryRunner.query(
      'INSERT INTO "component_changes" ("component_id", "contract_id", "effective_month", "os", "cap_relaxations") SELECT "id", "contract_id", to_char("active_from", \'YYYY-MM\'), "os", "cap_relaxations" FROM "components"',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "contracts" DROP COLUMN "renewal_objection_by"');
    await queryRunner.query('ALTER TABLE "contracts" DROP COLUMN "renewal_objection_date"');
    await queryRunner.query('ALTER TABLE "contracts" DROP COLUMN "suspension_reason"');
    await queryRunner.query('ALTER TABLE "contracts" DROP COLUMN "suspension_kind"');
    await queryRunner.query('ALTER TABLE "contracts" DROP COLUMN "suspended_from"');
    await queryRunner.query('ALTER TABLE "contracts" DROP COLUMN "termination_reason"');
    await queryRunner.query('DROP INDEX "public"."idx_adjustment_contract_month"');
    await queryRunner.query('DROP TABLE "invoice_adjustments"');
    await queryRunner.query('DROP INDEX "public"."IDX_f757177dd9c8eed0b4fbbd97e6"');
    await queryRunner.query('DROP INDEX "public"."IDX_efd1acf9f569aca70a298d0f03"');
    await queryRunner.query('DROP TABLE "tariff_versions"');
    await queryRunner.query('DROP INDEX "public"."idx_component_change"');
    await queryRunner.query('DROP TABLE "component_changes"');
    await queryRunner.query('DROP INDEX "public"."idx_plan_change_contract"');
    await queryRunner.query('DROP TABLE "contract_plan_changes"');
  }
}
