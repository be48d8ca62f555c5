// Customer e-mails and engineer pages about one incident, in Japanese and English. Subjects
// are stable per incident and messages thread on the first one's Message-ID, so a mail
// client shows an incident's opened → acknowledged → resolved as one conversation.
import { assertNever } from "../../shared/assert-never.js";
import { formatJst, formatMetricValue, oneLine, shortId, type Language } from "./format.js";
import { componentLabel } from "./group-mail.js";
import { renderDoc, type RenderedMail } from "./mail-doc.js";
import { responseOf } from "./responses.js";

export interface IncidentFacts {
  id: string;
  contractName: string;
  componentName: string | null;
  ruleName: string;
  metric: string | null;
  value: number | null;
  threshold: number | null;
  severity: string;
  openedAtMs: number;
  /** Routing tier; null while unrouted. */
  tier: string | null;
  runbookMissing: boolean;
  link: string;
  /** Members ever joined (a grouped incident has more than one, decision 0014). */
  membersTotal?: number;
}

export const INCIDENT_MAIL_KINDS = ["opened", "acknowledged", "resolved", "reopened"] as const;
export type IncidentMailKind = (typeof INCIDENT_MAIL_KINDS)[number];

export interface ChangeFacts {
  atMs: number;
  /** Who acted ("rule engine", an engineer's name). */
  actorName?: string;
  /** auto | manual | false_alarm on resolved. */
  resolution?: string | null;
}

const T = {
  ja: {
    opened: "障害を検知しました",
    acknowledged: "担当者が対応を開始しました",
    resolved: "障害は解消しました",
    reopened: "障害が再発しました",
    contract: "ご契約",
    component: "対象サーバー",
    rule: "検知ルール",
    metric: "メトリクス",
    value: "値 / しきい値",
    severity: "重要度",
    detected: "検知日時",
    at: "更新日時",
    response: "当社の対応",
    link: "インシデントの詳細",
    on: (rule: string, comp: string) => `${comp} で ${rule}`,
    resolvedBy: {
      auto: "条件が解消したため自動で",
      manual: "担当者により",
      false_alarm: "誤検知として",
    },
    footer: "このメールは MSP 監視サービスから自動送信されています。",
  },
  en: {
    opened: "Incident detected",
    acknowledged: "An engineer is working on it",
    resolved: "Incident resolved",
    reopened: "Incident reopened",
    contract: "Contract",
    component: "Component",
    rule: "Rule",
    metric: "Metric",
    value: "Value / threshold",
    severity: "Severity",
    detected: "Detected",
    at: "Updated",
    response: "Our response",
    link: "Incident details",
    on: (rule: string, comp: string) => `${rule} on ${comp}`,
    resolvedBy: {
      auto: "automatically, the condition cleared",
      manual: "by an engineer",
      false_alarm: "as a false alarm",
    },
    footer: "This message was sent automatically by the MSP monitoring service.",
  },
} as const;

/** `[MSP] #1a2b3c4d cpu high on web-01`; follow-ups add "Re: " so clients thread them. */
export function incidentSubject(f: IncidentFacts, lang: Language, followUp: boolean): string {
  const base = `[MSP] #${shortId(f.id)} ${T[lang].on(f.ruleName, f.componentName ?? "—")}`;
  return oneLine(followUp ? `Re: ${base}` : base);
}

export function renderIncidentMail(
  kind: IncidentMailKind,
  f: IncidentFacts,
  change: ChangeFacts,
  lang: Language,
): RenderedMail {
  const t = T[lang];
  const paragraphs: string[] = [];
  switch (kind) {
    case "opened":
    case "reopened":
      paragraphs.push(responseOf(f.tier, f.runbookMissing, lang));
      break;
    case "acknowledged":
      if (change.actorName)
        paragraphs.push(
          lang === "ja" ? `担当: ${change.actorName}` : `Engineer: ${change.actorName}`,
        );
      break;
    case "resolved": {
      const how =
        t.resolvedBy[(change.resolution ?? "manual") as keyof typeof t.resolvedBy] ??
        t.resolvedBy.manual;
      paragraphs.push(lang === "ja" ? `${how}解決済みとしました。` : `Resolved ${how}.`);
      break;
    }
    default:
      assertNever(kind);
  }
  return renderDoc({
    subject: incidentSubject(f, lang, kind !== "opened"),
    heading: `${t[kind]}: ${t.on(f.ruleName, componentLabel(f))}`,
    paragraphs,
    fields: incidentFields(f, change, lang),
    link: { label: t.link, url: f.link },
    footer: t.footer,
  });
}

export function incidentFields(
  f: IncidentFacts,
  change: ChangeFacts,
  lang: Language,
): [string, string][] {
  const t = T[lang];
  return [
    [t.contract, f.contractName],
    [t.component, componentLabel(f)],
    [t.rule, f.ruleName],
    [t.metric, f.metric ?? "—"],
    [t.value, `${formatMetricValue(f.value)} / ${formatMetricValue(f.threshold)}`],
    [t.severity, f.severity],
    [t.detected, formatJst(f.openedAtMs)],
    [t.at, formatJst(change.atMs)],
  ];
}

/** Message-ID of an incident's first message, and the ids later messages thread on. */
export function threadHeaders(
  incidentId: string,
  domain: string,
  messageTag: string | null,
): { messageId: string; inReplyTo?: string; references?: string } {
  const root = `<incident-${incidentId}@${domain}>`;
  if (messageTag === null) return { messageId: root };
  const tag = messageTag.replace(/[^A-Za-z0-9.-]/g, ".");
  return {
    messageId: `<incident-${incidentId}.${tag}@${domain}>`,
    inReplyTo: root,
    references: root,
  };
}
