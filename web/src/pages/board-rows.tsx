// One row of each board list. Plain functions: the virtual list calls them for visible rows only.
import { formatAge, tryKey, type T } from "../i18n.js";
import type { Incident } from "../live-incidents.js";

export interface BoardContract {
  id: string;
  customerName: string;
  plan: string;
  components: { total: number; up: number; down: number; silent: number; maintenance: number };
  incidents: { critical: number; warning: number; info: number; oldestOpenedAt: string | null };
  quota: { quota: number; used: number; remaining: number; overage: number };
  capWarnings: number;
  runbookMissing: boolean;
  failedNotifications: number;
  /** Service suspended or restricted by the provider (billing continues). */
  suspension?: { kind: string; reason: string; from: string } | null;
}

export function ContractRow(p: { c: BoardContract; t: T; now: number }) {
  const { c, t, now } = p;
  const h = c.components;
  return (
    <>
      <span class="cell name" title={c.customerName}>
        {c.customerName}
      </span>
      <span class={`cell plan plan-${c.plan}`}>{tryKey(t, c.plan)}</span>
      <span class="cell health">
        <span class="h-up" title={t("up")}>
          ▲{h.up}
        </span>
        <span class={h.down ? "h-down" : "h-zero"} title={t("down")}>
          ▼{h.down}
        </span>
        <span class={h.silent ? "h-silent" : "h-zero"} title={t("silent")}>
          ?{h.silent}
        </span>
        <span class={h.maintenance ? "h-maint" : "h-zero"} title={t("maintenance")}>
          ⚙{h.maintenance}
        </span>
      </span>
      <span class="cell sev">
        <span class={c.incidents.critical ? "sev-critical" : "h-zero"}>{c.incidents.critical}</span>
        <span class={c.incidents.warning ? "sev-warning" : "h-zero"}>{c.incidents.warning}</span>
        <span class={c.incidents.info ? "sev-info" : "h-zero"}>{c.incidents.info}</span>
        {c.incidents.oldestOpenedAt && (
          <span class="muted">
            {t("oldest")} {formatAge(c.incidents.oldestOpenedAt, now)}
          </span>
        )}
      </span>
      <span
        class={`cell quota ${c.quota.overage ? "over" : c.quota.remaining === 0 ? "full" : ""}`}
      >
        {t("usedOf", { used: c.quota.used, quota: c.quota.quota })}
        {c.quota.overage > 0 && ` +${c.quota.overage} ${t("overage")}`}
      </span>
      <span class="cell warn">
        {c.capWarnings > 0 && (
          <span class="badge warn">{t("capWarning", { n: c.capWarnings })}</span>
        )}
        {c.runbookMissing && <span class="badge warn">{t("runbookMissing")}</span>}
        {c.suspension && (
          <span class="badge bad" title={c.suspension.reason}>
            {t(c.suspension.kind === "restriction" ? "restricted" : "suspended")}
          </span>
        )}
        {c.failedNotifications > 0 && (
          <span class="badge bad">{t("failedNotifications", { n: c.failedNotifications })}</span>
        )}
      </span>
    </>
  );
}

export function IncidentRow(p: { i: Incident; customer: string; t: T; now: number }) {
  const { i, t, now } = p;
  return (
    <>
      <span class={`cell sevbadge sev-${i.severity}`}>{tryKey(t, i.severity)}</span>
      <span class="cell age">{formatAge(i.openedAt, now)}</span>
      <span class="cell name" title={p.customer}>
        {p.customer}
      </span>
      <span class="cell comp">{i.componentName ?? "—"}</span>
      <span class="cell rule">{i.ruleName}</span>
      <span class={`cell state state-${i.state}`} data-testid="incident-state">
        {tryKey(t, i.state)}
      </span>
      <span class="cell tier">{i.tier ? tryKey(t, i.tier) : "—"}</span>
      <span class="cell flags">
        {i.overage && <span class="badge bad">{t("overage")}</span>}
        {i.suppressed && <span class="badge">{t("suppressed")}</span>}
        {i.runbookMissing && <span class="badge warn">{t("runbookMissing")}</span>}
        {i.escalationLevel > 0 && <span class="badge warn">L{i.escalationLevel}</span>}
      </span>
    </>
  );
}

const SEVERITY_RANK: Record<string, number> = { critical: 0, warning: 1, info: 2 };
/** Unacknowledged first, then by severity, then newest. */
export function incidentOrder(a: Incident, b: Incident): number {
  const s = (a.state === "open" ? 0 : 1) - (b.state === "open" ? 0 : 1);
  if (s) return s;
  const r = (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3);
  if (r) return r;
  return a.openedAt < b.openedAt ? 1 : a.openedAt > b.openedAt ? -1 : 0;
}
