// The incident's buttons, each shown only when the role, the state and the plan allow it
// (the API refuses anyway; hiding keeps the screen honest about what one may do).
import { useState } from "preact/hooks";
import { api } from "../api.js";
import { label, useT, type MessageKey } from "../i18n.js";
import type { Me } from "../session.js";

export interface IncidentDetail {
  id: string;
  contractId: string;
  customerName: string;
  plan: string;
  componentId: string | null;
  componentName: string | null;
  /** Grouped incidents (an alert storm): members failing now and ever joined. */
  memberCount?: number;
  membersTotal?: number;
  scope?: string;
  members?: {
    componentId: string;
    componentName: string | null;
    labels: Record<string, string>;
    active: boolean;
  }[];
  ruleName: string;
  ruleKind: string;
  labels: Record<string, string>;
  metric: string | null;
  severity: string;
  state: "open" | "acknowledged" | "resolved";
  tier: string | null;
  runbookMissing: boolean;
  suppressed: boolean;
  overage: boolean;
  value: number | null;
  threshold: number | null;
  openedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  escalationLevel: number;
  repeatCount: number;
  outageId: string | null;
  timeline: {
    id: string;
    at: string;
    kind: string;
    actorName: string;
    note: string | null;
    customerVisible: boolean;
  }[];
}
interface Task {
  id: string;
  incidentId: string | null;
  finishedAt: string | null;
}

const HUMAN_TIERS = ["first_line", "second_line", "runbook"];
const CAUSES = [
  "provider_fault",
  "gross_negligence",
  "third_party",
  "customer_fault",
  "force_majeure",
  "maintenance",
  "restriction",
  "suspension",
];

/** What this user may do to this incident now. */
export function allowedActions(me: Me, i: IncidentDetail, runningTask: boolean) {
  const staff = me.role !== "customer";
  const manage = me.role === "admin" || me.role === "noc";
  const active = i.state !== "resolved";
  return {
    acknowledge: i.state === "open",
    escalate: staff && active && HUMAN_TIERS.includes(i.tier ?? ""),
    resolve: staff && active,
    reopen: staff && !active,
    note: staff,
    outage: manage && !i.outageId,
    classify: manage && i.outageId !== null,
    startTask: staff && i.plan === "premium" && !runningTask,
    stopTask: staff && i.plan === "premium" && runningTask,
  };
}

export function IncidentActions(p: {
  me: Me;
  incident: IncidentDetail;
  tasks: Task[];
  opsRunbooks: { id: string; name: string }[];
  onDone: () => void;
}) {
  const t = useT();
  const i = p.incident;
  const running = p.tasks.find((x) => x.incidentId === i.id && !x.finishedAt);
  const can = allowedActions(p.me, i, running !== undefined);
  const [text, setText] = useState("");
  const [falseAlarm, setFalseAlarm] = useState(false);
  const [cause, setCause] = useState(CAUSES[0]!);
  const [scope, setScope] = useState("managed");
  const [runbookId, setRunbookId] = useState(p.opsRunbooks[0]?.id ?? "");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const act = (path: string, body: object) => async () => {
    setBusy(true);
    setError(null);
    try {
      await api("POST", path, body);
      setText("");
      p.onDone();
    } catch (err) {
      // The API's message names the field; the sentence around it is ours.
      setError(t("actionFailed", { detail: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  };
  const base = `/incidents/${i.id}`;
  const note = text.trim() ? { note: text.trim() } : {};
  const button = (key: MessageKey, show: boolean, run: () => Promise<void>, needsText = false) =>
    show && (
      <button
        type="button"
        data-action={key}
        disabled={busy || (needsText && !text.trim())}
        onClick={() => void run()}
      >
        {t(key)}
      </button>
    );
  return (
    <section class="actions" aria-label={t("actions")}>
      {(can.resolve || can.reopen || can.note || can.escalate) && (
        <label class="wide">
          {t("note")} / {t("reason")}
          <input
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            data-testid="action-text"
          />
        </label>
      )}
      <div class="buttons">
        {button("acknowledge", can.acknowledge, act(`${base}/acknowledge`, note))}
        {button("escalate", can.escalate, act(`${base}/escalate`, note))}
        {button(
          "resolve",
          can.resolve,
          act(`${base}/resolve`, { reason: text.trim(), falseAlarm }),
          true,
        )}
        {can.resolve && (
          <label>
            <input
              type="checkbox"
              checked={falseAlarm}
              onChange={(e) => setFalseAlarm(e.currentTarget.checked)}
            />{" "}
            {t("falseAlarm")}
          </label>
        )}
        {button("reopen", can.reopen, act(`${base}/reopen`, { note: text.trim() }), true)}
        {button(
          "addNote",
          can.note,
          act(`${base}/notes`, { note: text.trim(), customerVisible: false }),
          true,
        )}
      </div>
      <div class="buttons">
        {can.outage && (
          <select
            value={scope}
            onChange={(e) => setScope(e.currentTarget.value)}
            aria-label={t("scope")}
          >
            {["managed", "service"].map((v) => (
              <option value={v}>{label(t, "scope", v)}</option>
            ))}
          </select>
        )}
        {button("declareOutage", can.outage, act(`${base}/outage`, { scope }))}
        {can.classify && (
          <select
            value={cause}
            onChange={(e) => setCause(e.currentTarget.value)}
            aria-label={t("cause")}
          >
            {CAUSES.map((c) => (
              <option value={c}>{label(t, "cause", c)}</option>
            ))}
          </select>
        )}
        {button("classify", can.classify, act(`${base}/classify`, { cause }))}
        {can.startTask && p.opsRunbooks.length > 0 && (
          <select
            value={runbookId}
            onChange={(e) => setRunbookId(e.currentTarget.value)}
            aria-label={t("runbook")}
          >
            {p.opsRunbooks.map((r) => (
              <option value={r.id}>{r.name}</option>
            ))}
          </select>
        )}
        {button(
          "startTask",
          can.startTask && p.opsRunbooks.length > 0,
          act(`/contracts/${i.contractId}/runbook-tasks`, {
            runbookId,
            incidentId: i.id,
            componentId: i.componentId,
          }),
        )}
        {button("stopTask", can.stopTask, act(`/runbook-tasks/${running?.id ?? ""}/finish`, {}))}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
