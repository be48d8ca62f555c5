import type { MigrationInterface, QueryRunner } from "typeorm";

export class Billing1795623063885 implements MigrationInterface {
  name = "Billing1795623063885";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "invoices" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "contract_id" uuid NOT NULL, "month" text NOT NULL, "revision" integer NOT NULL, "reason" text, "customer_name" text NOT NULL, "lines" jsonb NOT NULL, "subtotal_yen" bigint NOT NULL, "tax_yen" bigint NOT NULL, "total_yen" bigint NOT NULL, "tax_rate_percent" numeric(5,2) NOT NULL, "tariff_version" text NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "due_date" date NOT NULL, "scenario" jsonb NOT NULL, "interest_payment_ids" uuid array NOT NULL DEFAULT \'{}\', "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_invoice_revision" UNIQUE ("contract_id", "month", "revision"), CONSTRAINT "PK_668cef7c22a427fd822cc1be3ce" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_invoice_month" ON "invoices"  ("month") ');
    await queryRunner.query(
      'CREATE TABLE "liability_credits" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "contract_id" uuid NOT NULL, "damage_date" date NOT NULL, "claim_date" date NOT NULL, "amount_yen" bigint NOT NULL, "description" text NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_46ba9d0765c351cd733b5d7ab06" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_liability_credit_contract_damage" ON "liability_credits"  ("contract_id", "damage_date") ',
    );
    await queryRunner.query(
      'CREATE TABLE "outages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "contract_id" uuid NOT NULL, "scope" text NOT NULL, "cause" text, "known_at" TIMESTAMP WITH TIME ZONE NOT NULL, "restored_at" TIMESTAMP WITH TIME ZONE, "description" text NOT NULL, "incident_id" uuid, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_22c370149a2eac0cbfc01ddd78b" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_outage_contract_known" ON "outages"  ("contract_id", "known_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "payments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "invoice_id" uuid NOT NULL, "paid_date" date NOT NULL, "amount_yen" bigint NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_197ab7af18c93fbb0c9b28b4a59" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_563a5e248518c623eebd987d43" ON "payments"  ("invoice_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "service_fees" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "contract_id" uuid NOT NULL, "name" text NOT NULL, "monthly_yen" bigint NOT NULL, "from_month" text NOT NULL, "until_month" text, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f289d96abe036ed8221bb40257d" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_service_fee_contract" ON "service_fees"  ("contract_id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "invoices" ADD CONSTRAINT "FK_2a1393659dc4aa043ed203c8886" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "liability_credits" ADD CONSTRAINT "FK_9f1b498d93d6385d0882a4340c6" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "outages" ADD CONSTRAINT "FK_ba1b90e9a06fa6a747f9a26f5f8" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "payments" ADD CONSTRAINT "FK_563a5e248518c623eebd987d43e" FOREIGN KEY ("invoice_id") REFERENCES "invoices"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "service_fees" ADD CONSTRAINT "FK_7d362f6e652b15e9d6dc10f4a8d" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    // Not visible to TypeORM's schema diff: issued invoices are immutable at the database
    // level too, so a correction can only be a new revision row (SPEC 6, invoices).
    await queryRunner.query(
      "CREATE FUNCTION \"invoices_immutable\"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'invoices are immutable: issue a revision instead' USING ERRCODE = 'restrict_violation'; END $$",
    );
    await queryRunner.query(
      'CREATE TRIGGER "invoices_no_update" BEFORE UPDATE ON "invoices" FOR EACH ROW EXECUTE FUNCTION "invoices_immutable"()',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER "invoices_no_update" ON "invoices"');
    await queryRunner.query('DROP FUNCTION "invoices_immutable"()');
    await queryRunner.query(
      'ALTER TABLE "service_fees" DROP CONSTRAINT "FK_7d362f6e652b15e9d6dc10f4a8d"',
    );
    await queryRunner.query(
      'ALTER TABLE "payments" DROP CONSTRAINT "FK_563a5e248518c623eebd987d43e"',
    );
    await queryRunner.query(
      'ALTER TABLE "outages" DROP CONSTRAINT "FK_ba1b90e9a06fa6a747f9a26f5f8"',
    );
    await queryRunner.query(
      'ALTER TABLE "liability_credits" DROP CONSTRAINT "FK_9f1b498d93d6385d0882a4340c6"',
    );
    await queryRunner.query(
      'ALTER TABLE "invoices" DROP CONSTRAINT "FK_2a1393659dc4aa043ed203c8886"',
    );
    await queryRunner.query('DROP INDEX "public"."idx_service_fee_contract"');
    await queryRunner.query('DROP TABLE "service_fees"');
    await queryRunner.query('DROP INDEX "public"."IDX_563a5e248518c623eebd987d43"');
    await queryRunner.query('DROP TABLE "payments"');
    await queryRunner.query('DROP INDEX "public"."idx_outage_contract_known"');
    await queryRunner.query('DROP TABLE "outages"');
    await queryRunner.query('DROP INDEX "public"."idx_liability_credit_contract_damage"');
    await queryRunner.query('DROP TABLE "liability_credits"');
    await queryRunner.query('DROP INDEX "public"."idx_invoice_month"');
    await queryRunner.query('DROP TABLE "invoices"');
  }
}
