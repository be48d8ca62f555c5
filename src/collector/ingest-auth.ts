import { hashSecret } from "../accounts/secrets.js";
import { onContractStateChange } from "../contracts/status-signal.js";
import { tariffFor } from "../domain/billing/tariff.js";
import { acceptsPushes } from "../domain/contracts/service-state.js";
import { jstDateOf, jstMonthOf } from "../domain/time/jst.js";
import { isDatabaseUnavailable } from "../db/unavailable.js";
import type { ComponentTarget, IngestContext } from "../ingest/ingest-pipeline.js";
import type { IngestAuthStore, IngestComponentRow } from "./ingest-auth.store.js";

/** Who a valid ingest token speaks for, or why it is refused. */
export type IngestPrincipal =
  | { ok: true; ctx: IngestContext; contractId: string; componentIds: string[] }
  | { ok: false; status: 401 | 403; reason: string };

/**
 * Resolves agent tokens to an ingest context, served from memory: a known token costs no
 * query per push. The cache is dropped at once when any process announces that ingest
 * access changed (token rotated or revoked, component or contract changed: `invalidate`,
 * wired to the security events and, on PostgreSQL, to the change feed of decision 0020,
 * which every process reads); `ttlMs` is only the backstop should one be lost.
 *
 * While the database is unreachable, a token that was accepted when last checked keeps being
 * accepted after `ttlMs` (stale-if-error), re-checked at most every `staleRetryMs`: without
 * it every push was refused 30 s into an outage, although the collector keeps what it
 * accepts until the database is back. Only expiry leads here; an announced change deletes
 * the entry, so a token revoked, or a contract suspended, before the outage is not served.
 */
export class IngestAuth {
  private cache = new Map<string, { at: number; principal: IngestPrincipal; retryAt?: number }>();
  /** Database look-ups made (cache misses); tests read it. */
  loads = 0;
  /** Pushes accepted on an expired entry while the database was unreachable. */
  staleServed = 0;

  constructor(
    private readonly store: IngestAuthStore,
    private readonly ttlMs = 30_000,
    private readonly staleRetryMs = 5_000,
  ) {
    // Suspension, lifting and termination in this process apply to the next push.
    const self = new WeakRef(this);
    const off = onContractStateChange(() => (self.deref() ? self.deref()!.invalidate() : off()));
  }

  async resolve(secret: string, now: Date): Promise<IngestPrincipal> {
    const hash = hashSecret(secret);
    const hit = this.cache.get(hash);
    const t = now.getTime();
    if (hit && t - hit.at < this.ttlMs) return hit.principal;
    const stale = hit?.principal.ok ? hit : undefined;
    if (stale?.retryAt !== undefined && t < stale.retryAt) return this.serveStale(stale.principal);
    let principal: IngestPrincipal;
    try {
      principal = await this.load(hash, now);
    } catch (err) {
      if (!stale || !isDatabaseUnavailable(err)) throw err;
      stale.retryAt = t + this.staleRetryMs;
      return this.serveStale(stale.principal);
    }
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(hash, { at: now.getTime(), principal });
    return principal;
  }

  private serveStale(principal: IngestPrincipal): IngestPrincipal {
    this.staleServed++;
    return principal;
  }

  /** Forgets every cached principal (access changed somewhere). */
  invalidate(): void {
    this.cache.clear();
  }

  private async load(hash: string, now: Date): Promise<IngestPrincipal> {
    this.loads++;
    const token = await this.store.liveToken(hash);
    if (!token) return { ok: false, status: 401, reason: "unknown or revoked ingest token" };
    if (token.status !== "active")
      return { ok: false, status: 403, reason: `contract is ${token.status}` };
    const state = {
      status: token.status,
      suspendedFrom: token.suspended_from,
      suspensionKind: token.suspension_kind,
    };
    if (!acceptsPushes(state, now))
      return {
        ok: false,
        status: 403,
        reason: "contract is suspended: service stopped by the provider",
      };
    const today = jstDateOf(now.getTime());
    const tariff = tariffFor(jstMonthOf(now.getTime()));
    const capOf = (c: IngestComponentRow) =>
      tariff.defaultCapSeries + c.cap_relaxations * tariff.capRelaxationStepSeries;
    const active = (c: IngestComponentRow) => c.active_until === null || c.active_until >= today;
    const components = await this.store.components(token.contract_id, token.component_id);
    if (token.component_id) {
      const c = components[0];
      if (!c || !active(c))
        return { ok: false, status: 403, reason: "component is no longer active" };
      return {
        ok: true,
        contractId: token.contract_id,
        componentIds: [c.id],
        ctx: { kind: "component", componentId: c.id, cap: capOf(c), contractId: token.contract_id },
      };
    }
    const byName = new Map<string, ComponentTarget>();
    for (const c of components)
      if (active(c)) byName.set(c.name, { componentId: c.id, cap: capOf(c) });
    return {
      ok: true,
      contractId: token.contract_id,
      componentIds: [...byName.values()].map((t) => t.componentId),
      ctx: {
        kind: "contract",
        contractId: token.contract_id,
        instanceLabel: token.instance_label,
        componentCount: byName.size,
        resolveComponent: (instance) =>
          byName.get(instance) ?? byName.get(instance.replace(/:\d+$/, "")),
      },
    };
  }
}
