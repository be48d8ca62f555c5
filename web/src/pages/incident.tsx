// One incident: facts, buttons, timeline, notifications with delivery state, and the metric
// that fired charted around the event. Refreshes when a live delta for it arrives.
import { useEffect, useState } from "preact/hooks";
import { api, type Page } from "../api.js";
import {
  actorLabel,
  formatTime,
  label,
  language,
  noteLabel,
  ruleLabel,
  tryKey,
  useT,
} from "../i18n.js";
import { live } from "../live-incidents.js";
import { href } from "../router.js";
import { listSeries, loadPoints, matchSeries, seriesTitle, type Points } from "../series.js";
import type { Me } from "../session.js";
import { useStore } from "../store.js";
import { Chart } from "../ui/chart.js";
import { formatValue, unitOf } from "../ui/chart-data.js";
import { Status } from "../ui/layout.js";
import { IncidentActions, type IncidentDetail } from "./incident-actions.js";

interface Notification {
  id: string;
  channel: string;
  recipient: string;
  event: string;
  subject: string | null;
  state: string;
  attempts: number;
  sentAt: string | null;
  createdAt: string;
}
interface Extras {
  notifications: Notification[] | null;
  tasks: { id: string; incidentId: string | null; finishedAt: string | null }[];
  opsRunbooks: { id: string; name: string }[];
}

const AROUND_MS = 30 * 60_000;

export function IncidentPage(p: { me: Me; id: string }) {
  useEffect(() => live.connect(), []);
  const t = useT();
  const lang = useStore(language);
  const last = useStore(live.lastMessage);
  const [incident, setIncident] = useState<IncidentDetail | null>(null);
  const [extras, setExtras] = useState<Extras>({ notifications: null, tasks: [], opsRunbooks: [] });
  const [error, setError] = useState<unknown>(null);

  const load = async () => {
    try {
      const i = await api<IncidentDetail>("GET", `/incidents/${p.id}`);
      setIncident(i);
      setError(null);
      setExtras(await loadExtras(p.me, i));
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => {
    setIncident(null);
    void load();
  }, [p.id]);
  useEffect(() => {
    if (last?.incident.id === p.id) void load();
  }, [last]);

  if (!incident) return <Status loading={!error} error={error} />;
  const i = incident;
  // A customer reads what happens and when, not the NOC's internal workings.
  const staff = p.me.role !== "customer";
  return (
    <div class="incident" data-testid="incident-page" data-state={i.state}>
      <h1>
        <span class={`sevbadge sev-${i.severity}`}>{label(t, "sev", i.severity)}</span>{" "}
        <span title={i.ruleName}>{ruleLabel(t, i.ruleName)}</span>
      </h1>
      <dl class="facts">
        <dt>{t("state")}</dt>
        <dd data-testid="incident-state">{tryKey(t, i.state)}</dd>
        <dt>{t("customer")}</dt>
        <dd>
          {i.customerName} ({tryKey(t, i.plan)})
        </dd>
        <dt>{t("component")}</dt>
        <dd>
          {i.componentId ? <a href={href.component(i.componentId)}>{i.componentName}</a> : "—"}
          {(i.membersTotal ?? 1) > 1 && (
            <span class="badge">
              {t("membersOf", { n: i.memberCount ?? 0, total: i.membersTotal ?? 0 })}
            </span>
          )}
          {i.scope === "contract" && <span class="badge bad">{t("contractUnreachable")}</span>}
        </dd>
        {(i.members?.length ?? 0) > 1 && (
          <>
            <dt>{t("members")}</dt>
            <dd>
              <ul class="members" data-testid="members">
                {i.members!.map((m) => (
                  <li key={`${m.componentId}:${JSON.stringify(m.labels)}`}>
                    <a href={href.component(m.componentId)}>{m.componentName ?? "—"}</a>
                    {Object.keys(m.labels).length > 0 &&
                      ` {${Object.entries(m.labels)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(", ")}}`}
                    {!m.active && <span class="badge">{t("recovered")}</span>}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        <dt>{t("tier")}</dt>
        <dd>
          {i.tier ? tryKey(t, i.tier) : "—"}
          {i.runbookMissing && <span class="badge warn">{t("runbookMissing")}</span>}
          {i.overage && <span class="badge bad">{t("overage")}</span>}
          {i.suppressed && <span class="badge">{t("suppressed")}</span>}
        </dd>
        <dt>{t("value")}</dt>
        <dd>
          {formatValue(i.value, valueUnit(i))} ({t("threshold")}{" "}
          {formatValue(i.threshold, valueUnit(i))})
        </dd>
        <dt>{t("opened")}</dt>
        <dd>{formatTime(i.openedAt, lang)}</dd>
        {staff && (
          <>
            <dt>{t("escalationLevel")}</dt>
            <dd data-testid="escalation-level">{i.escalationLevel}</dd>
            <dt>{t("repeats")}</dt>
            <dd>{i.repeatCount}</dd>
          </>
        )}
      </dl>
      <IncidentActions
        me={p.me}
        incident={i}
        tasks={extras.tasks}
        opsRunbooks={extras.opsRunbooks}
        onDone={() => void load()}
      />
      <MetricAround incident={i} />
      <h2>{t("timeline")}</h2>
      <ol class="timeline" data-testid="timeline">
        {i.timeline
          .filter((e) => staff || e.customerVisible)
          .map((e) => (
            <li key={e.id} class={e.customerVisible ? "" : "internal"}>
              <time>{formatTime(e.at, lang)}</time> <strong>{label(t, "event", e.kind)}</strong> —{" "}
              {actorLabel(t, e.actorName)}
              {e.note && <q class="note">{noteLabel(t, e.note, lang)}</q>}
            </li>
          ))}
      </ol>
      {extras.notifications && (
        <>
          <h2>{t("notifications")}</h2>
          {extras.notifications.length === 0 ? (
            <p class="muted">{t("noNotifications")}</p>
          ) : (
            <table class="table" data-testid="notifications">
              <thead>
                <tr>
                  <th>{t("opened")}</th>
                  <th>{t("channel")}</th>
                  <th>{t("recipient")}</th>
                  <th>{t("subject")}</th>
                  <th>{t("delivery")}</th>
                  {staff && <th>{t("attempts")}</th>}
                </tr>
              </thead>
              <tbody>
                {extras.notifications.map((n) => (
                  <tr key={n.id}>
                    <td>{formatTime(n.createdAt, lang)}</td>
                    <td>{label(t, "channel", n.channel)}</td>
                    <td>{n.recipient}</td>
                    <td>{n.subject ?? label(t, "notify", n.event)}</td>
                    <td class={`delivery delivery-${n.state}`}>{label(t, "delivery", n.state)}</td>
                    {staff && <td>{n.attempts}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}

async function loadExtras(me: Me, i: IncidentDetail): Promise<Extras> {
  const staffPremium = me.role !== "customer" && i.plan === "premium";
  const [notifications, tasks, runbooks] = await Promise.all([
    api<{ items: Notification[] }>("GET", `/incidents/${i.id}/notifications`)
      .then((r) => r.items)
      .catch(() => null),
    staffPremium
      ? api<Page<Extras["tasks"][number]>>(
          "GET",
          `/contracts/${i.contractId}/runbook-tasks?limit=50`,
        )
          .then((r) => r.items)
          .catch(() => [])
      : [],
    staffPremium
      ? api<
          | { id: string; name: string; kind: string }[]
          | Page<{ id: string; name: string; kind: string }>
        >("GET", `/contracts/${i.contractId}/runbooks`)
          .then((r) => (Array.isArray(r) ? r : r.items).filter((x) => x.kind === "ops"))
          .catch(() => [])
      : [],
  ]);
  return { notifications, tasks, opsRunbooks: runbooks };
}

const isCounter = (i: IncidentDetail) => /_total$/.test(i.metric ?? "");

/** The unit of the incident's value: a ratio rule (`divideBy`) compares a fraction. */
function valueUnit(i: IncidentDetail) {
  // A rule on a counter compares its rate (or increase), not the counter's value.
  if (isCounter(i)) return "none";
  const u = unitOf(i.metric);
  if (u === "bytes" && i.threshold !== null && Math.abs(i.threshold) <= 1) return "ratio";
  return u;
}

function MetricAround(p: { incident: IncidentDetail }) {
  const t = useT();
  const i = p.incident;
  const [points, setPoints] = useState<Points | null>(null);
  const [title, setTitle] = useState("");
  useEffect(() => {
    if (!i.componentId || !i.metric) return;
    const opened = Date.parse(i.openedAt);
    const end = Math.min(
      Date.now(),
      (i.resolvedAt ? Date.parse(i.resolvedAt) : opened) + AROUND_MS,
    );
    void (async () => {
      const series = matchSeries(await listSeries(i.componentId!), i.metric, i.labels);
      if (!series) return;
      setTitle(seriesTitle(series));
      setPoints(await loadPoints(i.componentId!, series.labels, opened - AROUND_MS, end));
    })().catch(() => setPoints(null));
  }, [i.id, i.state]);
  if (!points) return null;
  const unit = unitOf(i.metric);
  // The threshold is drawn when it is in the chart's unit; a ratio rule's fraction is not.
  const sameUnit = valueUnit(i) === unit;
  return (
    <section>
      <h2>
        {t("metric")}: {i.metric}
      </h2>
      {!sameUnit && (
        <p class="muted">
          {t(isCounter(i) ? "thresholdRate" : "thresholdRatio", {
            threshold: formatValue(i.threshold, valueUnit(i)),
          })}
        </p>
      )}
      <Chart
        title={title}
        xs={points.xs}
        ys={points.ys}
        unit={unit}
        threshold={sameUnit ? i.threshold : null}
        marker={Date.parse(i.openedAt) / 1000}
        testId="incident-chart"
      />
    </section>
  );
}
