// A grouped incident (one rule on many components of a contract, decision 0014) in the
// customer's e-mails: which components it covers, and the follow-up sent when the set grows
// (at most one per INCIDENT_GROUP_FOLLOWUP_MINUTES, threaded under the opened e-mail).
import { formatJst, type Language } from "./format.js";
import { incidentFields, incidentSubject, type IncidentFacts } from "./incident-mail.js";
import { renderDoc, type RenderedMail } from "./mail-doc.js";
import { mailText, ruleDisplayName } from "./messages.js";

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
  const t = mailText(lang);
  const lines = members
    .slice(0, LISTED_MEMBERS)
    .map(
      (m) =>
        `${m.componentName}${m.labels ? ` {${m.labels}}` : ""}${m.active ? "" : t("groupRecovered")}`,
    );
  const rest = total - lines.length;
  if (rest > 0) lines.push(t("groupMore", { n: rest }));
  return lines;
}

export function renderGroupFollowup(
  f: IncidentFacts,
  members: readonly GroupMember[],
  counts: { active: number; total: number; atMs: number },
  lang: Language,
): RenderedMail {
  const t = mailText(lang);
  const rule = ruleDisplayName(f.ruleName, lang);
  return renderDoc({
    lang,
    subject: incidentSubject(f, lang, true),
    heading: t("groupHeading", { rule, active: counts.active }),
    paragraphs: [
      t("groupBody", { at: formatJst(counts.atMs), active: counts.active, total: counts.total }),
    ],
    fields: incidentFields(f, { atMs: counts.atMs }, lang),
    items: memberLines(members, counts.total, lang),
    link: { label: t("incidentLink"), url: f.link },
    footer: t("footer"),
  });
}
