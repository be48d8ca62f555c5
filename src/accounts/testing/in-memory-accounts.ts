// In-memory account stores for unit tests: the same uniqueness, filtering, ordering and
// throttle window arithmetic as the TypeORM stores, over plain arrays.
import { randomUUID } from "node:crypto";
import type { AuditEntry } from "../../audit/audit.js";
import type { CredentialEntity, UserEntity } from "../../db/entities/index.js";
import { inMemoryUnitOfWork } from "../../db/unit-of-work.js";
import type { CredentialStore, ThrottleStore, UserStore } from "../account.store.js";
import type { AccountsDeps } from "../deps.js";

export interface AccountsState {
  users: UserEntity[];
  credentials: CredentialEntity[];
  throttles: Map<string, { failures: number; windowStart: Date; lockedUntil: Date | null }>;
  /** Ids of contracts that exist (users of role customer must name one). */
  contracts: Set<string>;
  audit: AuditEntry[];
}

const copy = <T extends object>(row: T): T => ({ ...row });

export function inMemoryAccounts(now: () => Date): { deps: AccountsDeps; state: AccountsState } {
  const state: AccountsState = {
    users: [],
    credentials: [],
    throttles: new Map(),
    contracts: new Set(),
    audit: [],
  };
  const deps: AccountsDeps = {
    uow: inMemoryUnitOfWork,
    users: userStore(state, now),
    credentials: credentialStore(state, now),
    throttles: throttleStore(state),
    audit: {
      record: (_tx, entry) => {
        state.audit.push(entry);
        return Promise.resolve();
      },
    },
  };
  return { deps, state };
}

function userStore(s: AccountsState, now: () => Date): UserStore {
  return {
    find: (id) => Promise.resolve(copyOrNull(s.users.find((u) => u.id === id))),
    findByEmail: (email) => Promise.resolve(copyOrNull(s.users.find((u) => u.email === email))),
    emailTaken: (_tx, email) => Promise.resolve(s.users.some((u) => u.email === email)),
    contractExists: (_tx, id) => Promise.resolve(s.contracts.has(id)),
    count: () => Promise.resolve(s.users.length),
    create: (_tx, u) => {
      if (s.users.some((x) => x.email === u.email))
        return Promise.reject(new Error("duplicate key users.email"));
      const row = { ...u, id: randomUUID(), disabledAt: null, createdAt: now() };
      s.users.push(row);
      return Promise.resolve(copy(row));
    },
    save: (_tx, row) => {
      const i = s.users.findIndex((u) => u.id === row.id);
      if (i < 0) return Promise.reject(new Error(`no user ${row.id} to save`));
      s.users[i] = copy(row);
      return Promise.resolve(copy(row));
    },
    setPassword: (_tx, id, passwordHash, mustChangePassword) => {
      const row = s.users.find((u) => u.id === id);
      if (row) Object.assign(row, { passwordHash, mustChangePassword });
      return Promise.resolve();
    },
    list: (page) => {
      const all = [...s.users].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      return Promise.resolve({
        rows: all.slice(page.offset, page.offset + page.limit).map(copy),
        total: all.length,
      });
    },
    lockBootstrap: () => Promise.resolve(),
  };
}

function copyOrNull<T extends object>(row: T | undefined): T | null {
  return row ? copy(row) : null;
}

function credentialStore(s: AccountsState, now: () => Date): CredentialStore {
  const live = (c: CredentialEntity, at: Date) =>
    c.revokedAt === null && (c.expiresAt === null || c.expiresAt > at);
  return {
    create: (c) => {
      const row = { ...c, id: randomUUID(), revokedAt: null, lastUsedAt: null, createdAt: now() };
      s.credentials.push(row);
      return Promise.resolve(copy(row));
    },
    find: (where) =>
      Promise.resolve(
        copyOrNull(
          s.credentials.find(
            (c) =>
              c.id === where.id &&
              (where.kind === undefined || c.kind === where.kind) &&
              (where.userId === undefined || c.userId === where.userId),
          ),
        ),
      ),
    findBySecretHash: (hash) => {
      const credential = s.credentials.find((c) => c.secretHash === hash);
      const user = credential && s.users.find((u) => u.id === credential.userId);
      return Promise.resolve(
        credential && user ? { credential: copy(credential), user: copy(user) } : null,
      );
    },
    revoke: (id, at) => {
      const row = s.credentials.find((c) => c.id === id);
      if (row && row.revokedAt === null) row.revokedAt = at;
      return Promise.resolve();
    },
    revokeAllOf: (_tx, userId, at, keep) => {
      const rows = s.credentials.filter(
        (c) => c.userId === userId && c.revokedAt === null && c.id !== keep,
      );
      for (const c of rows) c.revokedAt = at;
      return Promise.resolve(rows.map((c) => c.id));
    },
    apiKeysOf: (userId) =>
      Promise.resolve(
        s.credentials
          .filter((c) => c.userId === userId && c.kind === "api_key")
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
          .map(copy),
      ),
    listOf: (userId, q) => {
      const all = s.credentials
        .filter((c) => c.userId === userId && (!q.live || live(c, q.now)))
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id));
      return Promise.resolve({
        rows: all.slice(q.offset, q.offset + q.limit).map(copy),
        total: all.length,
      });
    },
  };
}

function throttleStore(s: AccountsState): ThrottleStore {
  return {
    lockedUntil: (keys, at) => {
      const locks = keys
        .map((k) => s.throttles.get(k)?.lockedUntil)
        .filter((d): d is Date => d !== null && d !== undefined && d > at)
        .sort((a, b) => b.getTime() - a.getTime());
      return Promise.resolve(locks[0] ?? null);
    },
    countFailure: (_tx, key, at, max) => {
      const t = s.throttles.get(key);
      const fresh = !t || t.windowStart <= at.windowFrom;
      const failures = fresh ? 1 : t.failures + 1;
      const row = {
        failures,
        windowStart: fresh ? at.now : t.windowStart,
        lockedUntil: failures >= max ? at.lockUntil : null,
      };
      s.throttles.set(key, row);
      return Promise.resolve({ failures, locked: row.lockedUntil !== null });
    },
    clear: (key) => {
      s.throttles.delete(key);
      return Promise.resolve();
    },
  };
}
