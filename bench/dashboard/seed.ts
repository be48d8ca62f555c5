// Board bench data, inserted set-based: 1,000 active contracts over the four plans with 10
// components each (10,000), most reporting, some silent; ~500 open or acknowledged incidents
// on distinct components with their timeline rows and quota units; a few failed e-mails.
import type { DataSource } from "typeorm";

export async function seedBoardBench(
  db: DataSource,
  opts: { contracts: number; componentsEach: number; incidents: number; now: Date },
): Promise<{ components: number; incidents: number }> {
  const { now } = opts;
  await db.query(
    `INSERT INTO contracts (customer_name, plan, status, tier_mode, received_at, decided_at, start_date, version)
     SELECT 'Bench customer ' || lpad(g::text, 5, '0'), (ARRAY['entry','standard','advanced','premium'])[1 + g % 4],
       'active', 'graduated', $2, $2, DATE '2026-01-01', 1
     FROM generate_series(1, $1::int) g`,
    [opts.contracts, now],
  );
  await db.query(
    `INSERT INTO components (contract_id, name, os, cap_relaxations, active_from, last_seen_at)
     SELECT c.id, 'vm-' || lpad(k::text, 2, '0'), 'linux', 0, DATE '2026-01-01',
       CASE WHEN (c.n + k) % 37 = 0 THEN NULL ELSE $2::timestamptz - ((c.n + k) % 20) * interval '1 second' END
     FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM contracts) c
     CROSS JOIN generate_series(1, $1::int) k`,
    [opts.componentsEach, now],
  );
  await db.query(
    `INSERT INTO incidents (contract_id, component_id, rule_name, rule_kind, labels_key, severity, state, tier,
       opened_at, last_fired_at, value, threshold)
     SELECT x.contract_id, x.id, 'cpu high', 'threshold', '', (ARRAY['critical','warning','info'])[1 + x.n % 3],
       CASE WHEN x.n % 4 = 0 THEN 'acknowledged' ELSE 'open' END, 'first_line',
       $2::timestamptz - (x.n % 720) * interval '1 minute', $2, 95, 90
     FROM (SELECT id, contract_id, row_number() OVER (ORDER BY id) AS n FROM components) x
     WHERE x.n <= $1`,
    [opts.incidents, now],
  );
  await db.query(
    `INSERT INTO incident_events (incident_id, contract_id, at, kind, actor_name)
     SELECT id, contract_id, opened_at, 'opened', 'rule engine' FROM incidents`,
  );
  await db.query(
    `INSERT INTO response_quota_units (contract_id, month, incident_id, ordinal, overage, taken_at)
     SELECT contract_id, to_char($1::timestamptz AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM'), id,
       row_number() OVER (PARTITION BY contract_id ORDER BY id), false, opened_at FROM incidents`,
    [now],
  );
  await db.query(
    `INSERT INTO outbox_messages (idempotency_key, channel, recipient, contract_id, event, payload, state, next_attempt_at)
     SELECT 'bench-' || id, 'email', 'ops@example.jp', contract_id, 'incident.opened', '{}', 'failed', $1
     FROM incidents WHERE severity = 'critical' LIMIT 50`,
    [now],
  );
  const [row] = await db.query<{ components: number; incidents: number }[]>(
    `SELECT (SELECT count(*) FROM components)::int AS components, (SELECT count(*) FROM incidents)::int AS incidents`,
  );
  return row!;
}
