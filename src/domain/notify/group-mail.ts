// A grouped incident (one rule on many components of a contract, decision 0014) in the
// customer's e-mails: which components it covers, and the follow-up sent when the set grows
// (at most one per INCIDENT_GROUP_FOLLOWUP_MINUTES, threaded under the opened e-mail).
import { formatJst, type Language } from "./format.js";
import { incidentFields, incidentSubject, type IncidentFacts } from "./incident-mail.js";
import { renderDoc, type RenderedMail } from "./mail-doc.js";

export interface GroupMember {
  componentName: string;
  /** The label set, e.g. `mountpoint=/var`; "" for a component-wide rule. */
  labels: string;
  active: boolean;
}

/** Members listed in a message at most; the rest are counted. */
export const LISTED_MEMBERS = 50;

/** "web-01" for one member, "web-01 (+199)" for a group. */
export function componentLabel(f: IncidentFacts): string {
  const name = f.componentName ?? "—";
  const others = (f.membersTotal ?? 1) - 1;
  return others > 0 ? `${name} (+${others})` : name;
}

export function memberLines(members: readonly GroupMember[], total: number, lang: Language) {
  const lines = members
    .slice(0, LISTED_MEMBERS)
    .map((m) => `${m.componentName}${m.labels ? ` {${m.labels}}` : ""}${memberState(m, lang)}`);
  const rest = total - lines.length;
  if (rest > 0) lines.push(lang === "ja" ? `ほか ${rest} 件` : `and ${rest} more`);
  return lines;
}

const memberState = (m: GroupMember, lang: Language) =>
  m.active ? "" : lang === "ja" ? " (回復)" : " (recovered)";

export function renderGroupFollowup(
  f: IncidentFacts,
  members: readonly GroupMember[],
  counts: { active: number; total: number; atMs: number },
  lang: Language,
): RenderedMail {
  const ja = lang === "ja";
  return renderDoc({
    lang,
    subject: incidentSubject(f, lang, true),
    heading: ja
      ? `影響を受けるサーバーが増えました: ${counts.active} 件で ${f.ruleName}`
      : `More components affected: ${f.ruleName} on ${counts.active}`,
    paragraphs: [
      ja
        ? `同じ障害として 1 件のインシデントにまとめています (${formatJst(counts.atMs)} 時点で ${counts.total} 件中 ${counts.active} 件が継続中)。`
        : `They are handled as one incident (as of ${formatJst(counts.atMs)}, ${counts.active} of ${counts.total} still failing).`,
    ],
    fields: incidentFields(f, { atMs: counts.atMs }, lang),
    items: memberLines(members, counts.total, lang),
    link: { label: ja ? "インシデントの詳細" : "Incident details", url: f.link },
    footer: ja
      ? "このメールは MSP 監視サービスから自動送信されています。"
      : "This message was sent automatically by the MSP monitoring service.",
  });
}
