// The other messages: engineer pages, quota overage, cap reached, the monthly invoice and
// the storm digest. Same document model, so the same escaping, in ja and en.
import { formatJst, formatYen, shortId, type Language } from "./format.js";
import { incidentFields, incidentSubject, type IncidentFacts } from "./incident-mail.js";
import { renderDoc, type RenderedMail } from "./mail-doc.js";
import { mailLabel, mailText, ruleDisplayName } from "./messages.js";

export interface PageFacts {
  /** first | second */
  line: string;
  level: number;
  escalated: boolean;
  atMs: number;
}

export function renderPage(f: IncidentFacts, p: PageFacts, lang: Language): RenderedMail {
  const t = mailText(lang);
  const what = p.escalated ? t("escalation", { level: p.level }) : t("page");
  return renderDoc({
    lang,
    subject: `[PAGE] ${incidentSubject(f, lang, false)}`,
    heading: `${what}: ${f.contractName}`,
    paragraphs: [
      t("pagedAs", { line: mailLabel(lang, "line", p.line === "second" ? "second" : "first") }),
      ...(f.runbookMissing ? [t("noRunbook")] : []),
    ],
    fields: incidentFields(f, { atMs: p.atMs }, lang),
    link: { label: t("openIncident"), url: f.link },
    footer: t("footer"),
  });
}

export function renderQuotaOverage(
  f: IncidentFacts,
  month: string,
  atMs: number,
  lang: Language,
): RenderedMail {
  const t = mailText(lang);
  return renderDoc({
    lang,
    subject: t("quotaSubject", { month, id: shortId(f.id) }),
    heading: t("quotaHeading"),
    paragraphs: [t("quotaBody")],
    fields: incidentFields(f, { atMs }, lang),
    link: { label: t("incidentLink"), url: f.link },
    footer: t("footer"),
  });
}

export interface CapFacts {
  contractName: string;
  componentName: string;
  cap: number;
  activeSeries: number;
  atMs: number;
  link: string;
}

export function renderCapReached(c: CapFacts, lang: Language): RenderedMail {
  const t = mailText(lang);
  return renderDoc({
    lang,
    subject: t("capSubject", { component: c.componentName }),
    heading: t("capHeading"),
    paragraphs: [t("capBody")],
    fields: [
      [t("contract"), c.contractName],
      [t("component"), c.componentName],
      [t("cap"), String(c.cap)],
      [t("activeSeries"), String(c.activeSeries)],
      [t("at"), formatJst(c.atMs)],
    ],
    link: { label: t("componentLink"), url: c.link },
    footer: t("footer"),
  });
}

export interface InvoiceFacts {
  contractName: string;
  month: string;
  totalYen: number;
  dueDate: string;
  link: string;
}

export function renderInvoiceIssued(i: InvoiceFacts, lang: Language): RenderedMail {
  const t = mailText(lang);
  return renderDoc({
    lang,
    subject: t("invoiceSubject", { month: i.month }),
    heading: t("invoiceHeading"),
    paragraphs: [],
    fields: [
      [t("contract"), i.contractName],
      [t("month"), i.month],
      [t("total"), formatYen(i.totalYen, lang)],
      [t("dueDate"), i.dueDate],
    ],
    link: { label: t("invoiceLink"), url: i.link },
    footer: t("footer"),
  });
}

/** One e-mail that stands in for the `opened` e-mails of an alert storm. */
export function renderDigest(
  contractName: string,
  items: IncidentFacts[],
  link: string,
  lang: Language,
): RenderedMail {
  const t = mailText(lang);
  const line = (f: IncidentFacts) =>
    `#${shortId(f.id)} ${formatJst(f.openedAtMs)} ${f.componentName ?? "—"}: ${ruleDisplayName(f.ruleName, lang)} (${mailLabel(lang, "sev", f.severity)}) ${f.link}`;
  return renderDoc({
    lang,
    subject: t("digestSubject", { contract: contractName, n: items.length }),
    heading: t("digestHeading"),
    paragraphs: [t("digestBody")],
    fields: [[t("contract"), contractName]],
    items: items.map(line),
    link: { label: t("digestLink"), url: link },
    footer: t("footer"),
  });
}
