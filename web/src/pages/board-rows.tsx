// One row of each board list, and the column headers they share (one CSS grid template per
// list, so headers and cells line up at any type size). Plain functions: the virtual list
// calls them for visible rows only.
import { formatAge, label, ruleLabel, tryKey, type MessageKey, type T } from "../i18n.js";
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

export const INCIDENT_COLUMNS: MessageKey[] = [
  "severity",
  "age",
  "customer",
  "component",
  "rule",
  "state",
  "tier",
  "flags",
];
export const CONTRACT_COLUMNS: MessageKey[] = [
  "customer",
  "plan",
  "health",
  "incidents",
  "oldestHeader",
  "quota",
  "warnings",
];

/** The header row of a list: the same grid as its rows. */
export function ColumnHeaders(p: { columns: MessageKey[]; t: T; grid: string; testId: string }) {
  return (
    <div class={`vhead ${p.grid}`} role="row" data-testid={p.testId}>
      {p.columns.map((c) => (
        <span key={c} class="cell" role="columnheader">
          {p.t(c)}
        </span>
      ))}
    </div>
  );
}

export function ContractRow(p: { c: BoardContract; t: T; now: number }) {
  const { c, t, now } = p;
  const h = c.components;
  const n = c.incidents;
  return (
    <>
      <span class="cell name" title={c.customerName}>
        {c.customerName}
      </span>
      <span class={`cell plan plan-${c.plan}`}>{tryKey(t, c.plan)}</span>
      <span class="cell health" title={`${t("components")}: ${h.total}`}>
        <span class="h-up">{t("countUp", { n: h.up })}</span>
        {h.down > 0 && <span class="h-down">{t("countDown", { n: h.down })}</span>}
        {h.silent > 0 && <span class="h-silent">{t("countSilent", { n: h.silent })}</span>}
        {h.maintenance > 0 && <span class="h-maint">{t("countMaint", { n: h.maintenance })}</span>}
      </span>
      <span class="cell sev" data-testid="severity-counts">
        <span class={n.critical ? "sev-critical" : "h-zero"}>
          {t("countCritical", { n: n.critical })}
        </span>
        <span class={n.warning ? "sev-warning" : "h-zero"}>
          {t("countWarning", { n: n.warning })}
        </span>
        <span class={n.info ? "sev-info" : "h-zero"}>{t("countInfo", { n: n.info })}</span>
      </span>
      <span class="cell age">{n.oldestOpenedAt ? formatAge(n.oldestOpenedAt, now, t) : "—"}</span>
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
  const rule = ruleLabel(t, i.ruleName);
  return (
    <>
      <span class={`cell sevbadge sev-${i.severity}`}>{label(t, "sev", i.severity)}</span>
      <span class="cell age">{formatAge(i.openedAt, now, t)}</span>
      <span class="cell name" title={p.customer}>
        {p.customer}
      </span>
      <span class="cell comp" title={i.componentName ?? ""}>
        {i.scope === "contract" ? (
          <span class="badge bad">{t("contractUnreachable")}</span>
        ) : (
          (i.componentName ?? "—")
        )}
        {(i.membersTotal ?? 1) > 1 && (
          <span
            class="badge"
            data-testid="members"
            title={t("membersOf", { n: i.memberCount ?? 0, total: i.membersTotal ?? 0 })}
          >
            +{(i.membersTotal ?? 1) - 1}
          </span>
        )}
      </span>
      <span class="cell rule" title={rule === i.ruleName ? rule : `${rule} (${i.ruleName})`}>
        {rule}
      </span>
      <span class={`cell state state-${i.state}`} data-testid="incident-state">
        {tryKey(t, i.state)}
      </span>
      <span class="cell tier">{i.tier ? tryKey(t, i.tier) : "—"}</span>
      <span class="cell flags">
        {i.overage && <span class="badge bad">{t("overage")}</span>}
        {i.suppressed && <span class="badge">{t("suppressed")}</span>}
        {i.runbookMissing && <span class="badge warn">{t("runbookMissing")}</span>}
        {i.escalationLevel > 0 && (
          <span class="badge warn">{t("escalationBadge", { n: i.escalationLevel })}</span>
        )}
      </span>
    </>
  );
}

type Counts = BoardContract["incidents"];
/**
 * Each contract's active-incident counts from the live list, so the contract summaries move
 * with the incident list instead of waiting for the next snapshot. Only valid while the
 * live list holds every active incident (the snapshot lists at most a limit).
 */
export function countsByContract(incidents: Iterable<Incident>): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const i of incidents) {
    if (i.state === "resolved") continue;
    let c = out.get(i.contractId);
    if (!c) out.set(i.contractId, (c = { critical: 0, warning: 0, info: 0, oldestOpenedAt: null }));
    if (i.severity === "critical" || i.severity === "warning" || i.severity === "info")
      c[i.severity]++;
    if (!c.oldestOpenedAt || i.openedAt < c.oldestOpenedAt) c.oldestOpenedAt = i.openedAt;
  }
  return out;
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
