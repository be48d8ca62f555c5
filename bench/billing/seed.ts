// Bench data for the monthly close, inserted set-based by SQL (seconds, not minutes):
// 10,000 active contracts over the four plans, 4–12 components each (8 on average, some
// Windows, some cap relaxations), and one outage each in November 2026 over every cause,
// a few still open at the close.
import type { DataSource } from "typeorm";

export async function seedCloseBench(
  db: DataSource,
  contracts: number,
): Promise<{ components: number; outages: number }> {
  await db.query(
    `INSERT INTO contracts (customer_name, plan, status, tier_mode, received_at, decided_at, start_date, version)
     SELECT 'Bench customer ' || g, (ARRAY['entry','standard','advanced','premium'])[1 + g % 4], 'active',
       CASE WHEN g % 10 = 0 THEN 'volume' ELSE 'graduated' END, now(), now(), DATE '2026-04-15' + (g % 220), 1
     FROM generate_series(1, $1::int) g`,
    [contracts],
  );
  await db.query(
    `INSERT INTO components (contract_id, name, os, cap_relaxations, active_from, active_until)
     SELECT c.id, 'vm-' || k, CASE WHEN c.plan = 'premium' AND k = 1 AND c.n % 3 = 0 THEN 'windows' ELSE 'linux' END,
       (k % 5 = 0)::int, c.start_date, CASE WHEN k = 2 AND c.n % 7 = 0 THEN GREATEST(c.start_date, DATE '2026-11-15') END
     FROM (SELECT id, plan, start_date, row_number() OVER (ORDER BY id) AS n FROM contracts) c
     CROSS JOIN LATERAL generate_series(1, 4 + (c.n % 9)::int) k`,
  );
  await db.query(
    `INSERT INTO outages (contract_id, scope, cause, known_at, restored_at, description)
     SELECT c.id, CASE WHEN c.n % 5 = 0 THEN 'service' ELSE 'managed' END,
       (ARRAY['provider_fault','gross_negligence','third_party','customer_fault','maintenance'])[1 + c.n % 5],
       TIMESTAMPTZ '2026-11-01 00:00+09' + (c.n % 680) * interval '1 hour',
       CASE WHEN c.n % 50 = 0 THEN NULL
         ELSE TIMESTAMPTZ '2026-11-01 00:00+09' + (c.n % 680) * interval '1 hour' + (1 + c.n % 80) * interval '1 hour' END,
       'bench outage'
     FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM contracts) c`,
  );
  const [{ components, outages }] = await db.query(
    `SELECT (SELECT count(*) FROM components)::int AS components, (SELECT count(*) FROM outages)::int AS outages`,
  );
  return { components, outages };
}
