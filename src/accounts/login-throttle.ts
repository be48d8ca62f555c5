// Login throttling per account and per client address, counted in PostgreSQL so every
// process sees the same counters. A key that reaches its limit of failures within the
// window is locked for `lockMs`: logins for it are refused with 429 and Retry-After before
// the password is even checked, so the right password does not help until the lock passes.
import type { Tx } from "../db/unit-of-work.js";
import { AppError } from "../shared/errors.js";
import type { AccountsDeps } from "./deps.js";

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
    private readonly deps: Pick<AccountsDeps, "uow" | "throttles" | "audit">,
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
    const keys = this.keys(email, address).map((k) => k.key);
    const until = await this.deps.throttles.lockedUntil(keys, now);
    if (until) {
      const retryAfterS = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
      throw new AppError("LIMIT_EXCEEDED", "too many failed logins; try again later", [], {
        retryAfterS,
      });
    }
  }

  /**
   * Counts a failed login against both keys; a key that reaches its limit now is locked, and
   * the lockout is written to the audit log.
   */
  async recordFailure(email: string, address: string, now: Date): Promise<void> {
    const { windowMs, lockMs } = this.settings;
    const at = {
      now,
      windowFrom: new Date(now.getTime() - windowMs),
      lockUntil: new Date(now.getTime() + lockMs),
    };
    await this.deps.uow.transaction(async (tx) => {
      for (const k of this.keys(email, address)) {
        const row = await this.deps.throttles.countFailure(tx, k.key, at, k.max);
        if (row.locked && row.failures === k.max) await this.lockoutNotice(tx, k.key, at);
      }
    });
  }

  /** A successful login clears the account's counter (the address keeps its count). */
  async recordSuccess(email: string): Promise<void> {
    await this.deps.throttles.clear(`account:${email}`);
  }

  private async lockoutNotice(
    tx: Tx,
    key: string,
    at: { now: Date; lockUntil: Date },
  ): Promise<void> {
    const [kind, ...rest] = key.split(":");
    await this.deps.audit.record(tx, {
      actor: "system",
      at: at.now,
      action: "auth.lockout",
      entityType: kind === "account" ? "login_account" : "login_address",
      entityId: rest.join(":"),
      contractId: null,
      before: null,
      after: { lockedUntil: at.lockUntil.toISOString() },
    });
  }
}
