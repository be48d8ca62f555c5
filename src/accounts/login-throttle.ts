// Login throttling per account and per client address, counted in PostgreSQL so every
// process sees the same counters. A key that reaches its limit of failures within the
// window is locked for `lockMs`: logins for it are refused with 429 and Retry-After before
// the password is even checked, so the right password does not help until the lock passes.
import type { DataSource, EntityManager } from "typeorm";
import { recordAudit } from "../audit/audit.js";
import { AppError } from "../shared/errors.js";

export interface ThrottleSettings {
  windowMs: number;
  lockMs: number;
  /** Failures of one account (e-mail) within the window before it is locked. */
  maxPerAccount: number;
  /** Failures from one client address within the window before it is locked. */
  maxPerAddress: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = {
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  maxPerAccount: 10,
  maxPerAddress: 50,
};

type Key = { key: string; max: number };

export class LoginThrottle {
  constructor(
    private readonly db: DataSource,
    private readonly settings: ThrottleSettings = DEFAULT_THROTTLE,
  ) {}

  private keys(email: string, address: string): Key[] {
    return [
      { key: `account:${email}`, max: this.settings.maxPerAccount },
      { key: `address:${address}`, max: this.settings.maxPerAddress },
    ];
  }

  /** Throws LIMIT_EXCEEDED (429, Retry-After) while the account or the address is locked. */
  async assertAllowed(email: string, address: string, now: Date): Promise<void> {
    const rows = await this.db.query<{ locked_until: Date }[]>(
      `SELECT locked_until FROM login_throttles
        WHERE key = ANY($1) AND locked_until > $2 ORDER BY locked_until DESC LIMIT 1`,
      [this.keys(email, address).map((k) => k.key), now],
    );
    const until = rows[0]?.locked_until;
    if (until) {
      const retryAfterS = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
      throw new AppError("LIMIT_EXCEEDED", "too many failed logins; try again later", [], {
        retryAfterS,
      });
    }
  }

  /**
   * Counts a failed login against both keys in one statement each; a key that reaches its
   * limit now is locked, and the lockout is written to the audit log.
   */
  async recordFailure(email: string, address: string, now: Date): Promise<void> {
    const { windowMs, lockMs } = this.settings;
    const windowFrom = new Date(now.getTime() - windowMs);
    const lockUntil = new Date(now.getTime() + lockMs);
    await this.db.transaction(async (tx) => {
      for (const k of this.keys(email, address)) {
        const [row] = await tx.query<{ failures: number; locked: boolean }[]>(
          `INSERT INTO login_throttles AS t (key, failures, window_start, locked_until)
           VALUES ($1, 1, $2, CASE WHEN 1 >= $4::int THEN $5::timestamptz END)
           ON CONFLICT (key) DO UPDATE SET
             failures = CASE WHEN t.window_start <= $3 THEN 1 ELSE t.failures + 1 END,
             window_start = CASE WHEN t.window_start <= $3 THEN $2 ELSE t.window_start END,
             locked_until = CASE
               WHEN (CASE WHEN t.window_start <= $3 THEN 1 ELSE t.failures + 1 END) >= $4::int
               THEN $5::timestamptz END
           RETURNING failures, locked_until IS NOT NULL AS locked`,
          [k.key, now, windowFrom, k.max, lockUntil],
        );
        if (row?.locked && row.failures === k.max) await lockoutNotice(tx, k.key, now, lockUntil);
      }
    });
  }

  /** A successful login clears the account's counter (the address keeps its count). */
  async recordSuccess(email: string): Promise<void> {
    await this.db.query(`DELETE FROM login_throttles WHERE key = $1`, [`account:${email}`]);
  }
}

async function lockoutNotice(
  tx: EntityManager,
  key: string,
  now: Date,
  lockedUntil: Date,
): Promise<void> {
  const [kind, ...rest] = key.split(":");
  await recordAudit(tx, {
    actor: "system",
    at: now,
    action: "auth.lockout",
    entityType: kind === "account" ? "login_account" : "login_address",
    entityId: rest.join(":"),
    contractId: null,
    before: null,
    after: { lockedUntil: lockedUntil.toISOString() },
  });
}
