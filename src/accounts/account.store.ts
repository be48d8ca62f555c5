// Accounts' persistence: users, their credentials (sessions, API keys) and the login
// throttle counters. Use cases see the interfaces; the TypeORM implementations follow them.
import { IsNull, Not, type DataSource, type EntityManager } from "typeorm";
import { recordAudit } from "../audit/audit.js";
import { ContractEntity, CredentialEntity, UserEntity } from "../db/entities/index.js";
import { managerOf, typeormUnitOfWork, type Tx } from "../db/unit-of-work.js";
import type { AccountsDeps, AuditLog } from "./deps.js";

export type NewUserRow = Pick<
  UserEntity,
  | "email"
  | "displayName"
  | "role"
  | "contractId"
  | "language"
  | "passwordHash"
  | "mustChangePassword"
>;
export type NewCredential = Pick<
  CredentialEntity,
  "kind" | "userId" | "secretHash" | "prefix" | "name" | "expiresAt"
>;

export interface UserStore {
  find(id: string, tx?: Tx): Promise<UserEntity | null>;
  findByEmail(email: string): Promise<UserEntity | null>;
  emailTaken(tx: Tx, email: string): Promise<boolean>;
  contractExists(tx: Tx, contractId: string): Promise<boolean>;
  count(tx: Tx): Promise<number>;
  create(tx: Tx, user: NewUserRow): Promise<UserEntity>;
  save(tx: Tx, row: UserEntity): Promise<UserEntity>;
  /** Writes only the password columns (a concurrent disable is not undone). */
  setPassword(tx: Tx, id: string, passwordHash: string, mustChangePassword: boolean): Promise<void>;
  /** Oldest first. */
  list(page: { limit: number; offset: number }): Promise<{ rows: UserEntity[]; total: number }>;
  /** Holds a transaction-scoped lock so two first starts do not both create the admin. */
  lockBootstrap(tx: Tx): Promise<void>;
}

export interface CredentialStore {
  create(credential: NewCredential, tx?: Tx): Promise<CredentialEntity>;
  find(
    where: { id: string; kind?: string; userId?: string },
    tx?: Tx,
  ): Promise<CredentialEntity | null>;
  /** The credential with this secret hash and its user, or null. */
  findBySecretHash(
    hash: string,
  ): Promise<{ credential: CredentialEntity; user: UserEntity } | null>;
  /** Revokes one credential unless already revoked. */
  revoke(id: string, now: Date, tx?: Tx): Promise<void>;
  /** Revokes the user's live credentials (all, or all but `keep`); returns the ids revoked. */
  revokeAllOf(tx: Tx, userId: string, now: Date, keep?: string): Promise<string[]>;
  /** The user's API keys, oldest first. */
  apiKeysOf(userId: string): Promise<CredentialEntity[]>;
  /** The user's credentials, newest first; `live` leaves out revoked and expired ones. */
  listOf(
    userId: string,
    query: { live: boolean; now: Date; limit: number; offset: number },
  ): Promise<{ rows: CredentialEntity[]; total: number }>;
}

export interface ThrottleStore {
  /** The latest lock among `keys` still in force at `now`, or null. */
  lockedUntil(keys: readonly string[], now: Date): Promise<Date | null>;
  /**
   * Counts one failure of `key` (a new window when the last began at or before `windowFrom`)
   * and locks it until `lockUntil` when it reaches `max`; returns the count and whether locked.
   */
  countFailure(
    tx: Tx,
    key: string,
    at: { now: Date; windowFrom: Date; lockUntil: Date },
    max: number,
  ): Promise<{ failures: number; locked: boolean }>;
  clear(key: string): Promise<void>;
}

const mgr = (db: DataSource, tx?: Tx): EntityManager => (tx ? managerOf(tx) : db.manager);

export function createUserStore(db: DataSource): UserStore {
  return {
    find: (id, tx) => mgr(db, tx).findOneBy(UserEntity, { id }),
    findByEmail: (email) => db.getRepository(UserEntity).findOneBy({ email }),
    emailTaken: (tx, email) => managerOf(tx).existsBy(UserEntity, { email }),
    contractExists: (tx, id) => managerOf(tx).existsBy(ContractEntity, { id }),
    count: (tx) => managerOf(tx).count(UserEntity),
    create: (tx, u) => managerOf(tx).save(managerOf(tx).create(UserEntity, u)),
    save: (tx, row) => managerOf(tx).save(row),
    setPassword: async (tx, id, passwordHash, mustChangePassword) => {
      await managerOf(tx).update(UserEntity, { id }, { passwordHash, mustChangePassword });
    },
    list: async (page) => {
      const [rows, total] = await db
        .getRepository(UserEntity)
        .findAndCount({ order: { createdAt: "ASC" }, take: page.limit, skip: page.offset });
      return { rows, total };
    },
    lockBootstrap: async (tx) => {
      await managerOf(tx).query("SELECT pg_advisory_xact_lock(hashtext('msp.bootstrap-admin'))");
    },
  };
}

export function createCredentialStore(db: DataSource): CredentialStore {
  return {
    create: (c, tx) => mgr(db, tx).save(mgr(db, tx).create(CredentialEntity, c)),
    find: (where, tx) => mgr(db, tx).findOneBy(CredentialEntity, where),
    findBySecretHash: async (hash) => {
      const row = await db
        .getRepository(CredentialEntity)
        .createQueryBuilder("c")
        .innerJoinAndMapOne("c.user", UserEntity, "u", "u.id = c.user_id")
        .where("c.secret_hash = :h", { h: hash })
        .getOne();
      return row?.user ? { credential: row, user: row.user } : null;
    },
    revoke: async (id, now, tx) => {
      await mgr(db, tx).update(CredentialEntity, { id, revokedAt: IsNull() }, { revokedAt: now });
    },
    revokeAllOf: async (tx, userId, now, keep) => {
      const where = { userId, revokedAt: IsNull(), ...(keep ? { id: Not(keep) } : {}) };
      const rows = await managerOf(tx).find(CredentialEntity, { where, select: { id: true } });
      if (rows.length === 0) return [];
      await managerOf(tx).update(CredentialEntity, where, { revokedAt: now });
      return rows.map((r) => r.id);
    },
    apiKeysOf: (userId) =>
      db
        .getRepository(CredentialEntity)
        .find({ where: { userId, kind: "api_key" }, order: { createdAt: "ASC" } }),
    listOf: async (userId, q) => {
      const qb = db
        .getRepository(CredentialEntity)
        .createQueryBuilder("c")
        .where("c.user_id = :id", { id: userId });
      if (q.live)
        qb.andWhere("c.revoked_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > :now)", {
          now: q.now,
        });
      const [rows, total] = await qb
        .orderBy("c.created_at", "DESC")
        .addOrderBy("c.id", "ASC")
        .take(q.limit)
        .skip(q.offset)
        .getManyAndCount();
      return { rows, total };
    },
  };
}

export function createThrottleStore(db: DataSource): ThrottleStore {
  return {
    lockedUntil: async (keys, now) => {
      const rows = await db.query<{ locked_until: Date }[]>(
        `SELECT locked_until FROM login_throttles
          WHERE key = ANY($1) AND locked_until > $2 ORDER BY locked_until DESC LIMIT 1`,
        [keys, now],
      );
      return rows[0]?.locked_until ?? null;
    },
    // One statement per key, so concurrent failures count exactly.
    countFailure: async (tx, key, at, max) => {
      const [row] = await managerOf(tx).query<{ failures: number; locked: boolean }[]>(
        `INSERT INTO login_throttles AS t (key, failures, window_start, locked_until)
         VALUES ($1, 1, $2, CASE WHEN 1 >= $4::int THEN $5::timestamptz END)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN t.window_start <= $3 THEN 1 ELSE t.failures + 1 END,
           window_start = CASE WHEN t.window_start <= $3 THEN $2 ELSE t.window_start END,
           locked_until = CASE
             WHEN (CASE WHEN t.window_start <= $3 THEN 1 ELSE t.failures + 1 END) >= $4::int
             THEN $5::timestamptz END
         RETURNING failures, locked_until IS NOT NULL AS locked`,
        [key, at.now, at.windowFrom, max, at.lockUntil],
      );
      return row ?? { failures: 0, locked: false };
    },
    clear: async (key) => {
      await db.query(`DELETE FROM login_throttles WHERE key = $1`, [key]);
    },
  };
}

const createAuditLog = (): AuditLog => ({
  record: (tx, entry) => recordAudit(managerOf(tx), entry),
});

/** Every store the account use cases take, over one data source (the composition roots use it). */
export function createAccountsDeps(db: DataSource): AccountsDeps {
  return {
    uow: typeormUnitOfWork(db),
    users: createUserStore(db),
    credentials: createCredentialStore(db),
    throttles: createThrottleStore(db),
    audit: createAuditLog(),
  };
}
