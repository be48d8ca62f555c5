import type { MigrationInterface, QueryRunner } from "typeorm";

// The change feed across processes (decision 0020). `change_log` holds one row per change a
// cache of another process must hear about, written in the change's own transaction: by
// statement triggers on the tables those caches mirror (so no writer — route, job, CLI — can
// forget), or by the code for events (cap reached). Each row carries the id of the
// transaction that wrote it, so a reader asks "what committed since my last snapshot"
// exactly, whatever the order in which versions were taken and committed. One NOTIFY per
// transaction: the payload is the transaction id, and PostgreSQL folds identical
// notifications of one transaction into one.
const WATCHED: [table: string, events: string][] = [
  ["agent_tokens", "INSERT OR UPDATE OR DELETE"],
  ["rules", "INSERT OR UPDATE OR DELETE"],
  // Only the columns ingest auth and the rule directory read: last_seen_at moves every 10 s.
  [
    "contracts",
    "INSERT OR DELETE OR UPDATE OF status, suspended_from, suspension_kind, instance_label, plan",
  ],
  ["components", "INSERT OR DELETE OR UPDATE OF name, contract_id, cap_relaxations, active_until"],
];

export class ChangeLog1796440654435 implements MigrationInterface {
  name = "ChangeLog1796440654435";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "change_log" (
      "version" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      "tx" xid8 NOT NULL DEFAULT pg_current_xact_id(),
      "topic" text NOT NULL,
      "contract_id" uuid,
      "payload" jsonb,
      "origin" text NOT NULL DEFAULT current_setting('application_name'),
      "at" timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX "IDX_change_log_tx" ON "change_log" ("tx")`);
    await q.query(`CREATE INDEX "IDX_change_log_at" ON "change_log" ("at")`);
    await q.query(`CREATE FUNCTION msp_change_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('msp_changes', pg_current_xact_id()::text);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER "change_log_notify" AFTER INSERT ON "change_log"
      FOR EACH STATEMENT EXECUTE FUNCTION msp_change_notify()`);
    await q.query(`CREATE FUNCTION msp_change_record() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO change_log (topic) VALUES (TG_TABLE_NAME);
        RETURN NULL;
      END $$`);
    // Incident timeline entries: the new ids of each INSERT statement in one row (decision 0017).
    await q.query(`CREATE FUNCTION msp_incident_events_record() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO change_log (topic, contract_id, payload)
          SELECT 'incident_events', NULL, jsonb_build_object('ids', jsonb_agg(id::text ORDER BY id))
            FROM new_rows HAVING count(*) > 0;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER "incident_events_change_log" AFTER INSERT ON "incident_events"
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION msp_incident_events_record()`);
    for (const [table, events] of WATCHED)
      await q.query(`CREATE TRIGGER "${table}_change_log" AFTER ${events} ON "${table}"
        FOR EACH STATEMENT EXECUTE FUNCTION msp_change_record()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table] of WATCHED)
      await q.query(`DROP TRIGGER IF EXISTS "${table}_change_log" ON "${table}"`);
    await q.query(`DROP TRIGGER IF EXISTS "incident_events_change_log" ON "incident_events"`);
    await q.query(`DROP FUNCTION msp_incident_events_record()`);
    await q.query(`DROP TABLE "change_log"`);
    await q.query(`DROP FUNCTION msp_change_record()`);
    await q.query(`DROP FUNCTION msp_change_notify()`);
  }
}
