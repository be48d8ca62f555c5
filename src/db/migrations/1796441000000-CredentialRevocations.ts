import type { MigrationInterface, QueryRunner } from "typeorm";

// A credential revoked (or deleted with its user) is a change every realtime process must hear
// about: its sockets close at once (decision 0020; this replaces decision 0011's
// LISTEN/NOTIFY bridge, which lost what was sent while a listener reconnected). Row triggers
// that fire only on the revocation itself, so the frequent `last_used_at` updates cost nothing.
export class CredentialRevocations1796441000000 implements MigrationInterface {
  name = "CredentialRevocations1796441000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION msp_credential_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO change_log (topic, payload)
          VALUES ('credentials_revoked',
                  jsonb_build_object('userId', OLD.user_id::text, 'credentialId', OLD.id::text));
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER "credentials_revoked_change_log"
      AFTER UPDATE OF revoked_at ON "credentials" FOR EACH ROW
      WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
      EXECUTE FUNCTION msp_credential_revoked()`);
    await q.query(`CREATE TRIGGER "credentials_deleted_change_log"
      AFTER DELETE ON "credentials" FOR EACH ROW
      WHEN (OLD.revoked_at IS NULL)
      EXECUTE FUNCTION msp_credential_revoked()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS "credentials_deleted_change_log" ON "credentials"`);
    await q.query(`DROP TRIGGER IF EXISTS "credentials_revoked_change_log" ON "credentials"`);
    await q.query(`DROP FUNCTION msp_credential_revoked()`);
  }
}
