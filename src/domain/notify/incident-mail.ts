// Customer e-mails and engineer pages about one incident, in Japanese and English. Subjects
// are stable per incident and messages thread on the first one's Message-ID, so a mail
// client shows an incident's opened → acknowledged → resolved as one conversation.
import { assertNever } from "../../shared/assert-never.js";
import { formatJst, formatMetricValue, oneLine, shortId, type Language } from "./format.js";
import { componentLabel } from "./group-mail.js";
import { renderDoc, type RenderedMail } from "./mail-doc.js";
import { mailLabel, mailText, ruleDisplayName } from "./messages.js";
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

/** `[MSP] #1a2b3c4d cpu high on web-01`; follow-ups add "Re: " so clients thread them. */
export function incidentSubject(f: IncidentFacts, lang: Language, followUp: boolean): string {
  const base = `[MSP] #${shortId(f.id)} ${what(f, lang)}`;
  return oneLine(followUp ? `Re: ${base}` : base);
}

/** "CPU busy above 90% on web-01" / "web-01 で CPU 使用率 90% 超". */
function what(f: IncidentFacts, lang: Language, component = f.componentName ?? "—"): string {
  const rule = ruleDisplayName(f.ruleName, lang);
  return mailText(lang)("on", { rule, component });
}

export function renderIncidentMail(
  kind: IncidentMailKind,
  f: IncidentFacts,
  change: ChangeFacts,
  lang: Language,
): RenderedMail {
  const t = mailText(lang);
  const paragraphs: string[] = [];
  switch (kind) {
    case "opened":
    case "reopened":
      paragraphs.push(responseOf(f.tier, f.runbookMissing, lang));
      break;
    case "acknowledged":
      if (change.actorName) paragraphs.push(t("engineer", { name: change.actorName }));
      break;
    case "resolved": {
      const resolution = change.resolution ?? "manual";
      const how =
        resolution === "auto" || resolution === "false_alarm"
          ? t(`resolvedBy.${resolution}`)
          : t("resolvedBy.manual");
      paragraphs.push(t("resolvedHow", { how }));
      break;
    }
    default:
      assertNever(kind);
  }
  return renderDoc({
    lang,
    subject: incidentSubject(f, lang, kind !== "opened"),
    heading: `${t(`incident.${kind}`)}: ${what(f, lang, componentLabel(f))}`,
    paragraphs,
    fields: incidentFields(f, change, lang),
    link: { label: t("incidentLink"), url: f.link },
    footer: t("footer"),
  });
}

export function incidentFields(
  f: IncidentFacts,
  change: ChangeFacts,
  lang: Language,
): [string, string][] {
  const t = mailText(lang);
  return [
    [t("contract"), f.contractName],
    [t("component"), componentLabel(f)],
    [t("rule"), ruleDisplayName(f.ruleName, lang)],
    [t("metric"), f.metric ?? "—"],
    [t("valueThreshold"), `${formatMetricValue(f.value)} / ${formatMetricValue(f.threshold)}`],
    [t("severity"), mailLabel(lang, "sev", f.severity)],
    [t("detected"), formatJst(f.openedAtMs)],
    [t("updated"), formatJst(change.atMs)],
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
