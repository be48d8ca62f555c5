import type { MigrationInterface, QueryRunner } from "typeorm";

export class LoginThrottle1796430126066 implements MigrationInterface {
  name = "LoginThrottle1796430126066";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "login_throttles" ("key" text NOT NULL, "failures" integer NOT NULL, "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "locked_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_366650e3560115bd25315ca53d0" PRIMARY KEY ("key"))',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "login_throttles"');
  }
}
