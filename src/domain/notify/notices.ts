// The other messages: engineer pages, quota overage, cap reached, the monthly invoice and
// the storm digest. Same document model, so the same escaping, in ja and en.
import { formatJst, formatYen, shortId, type Language } from "./format.js";
import { incidentFields, incidentSubject, type IncidentFacts } from "./incident-mail.js";
import { renderDoc, type RenderedMail } from "./mail-doc.js";

const FOOTER = {
  ja: "このメールは MSP 監視サービスから自動送信されています。",
  en: "This message was sent automatically by the MSP monitoring service.",
} as const;

export interface PageFacts {
  /** first | second */
  line: string;
  level: number;
  escalated: boolean;
  atMs: number;
}

export function renderPage(f: IncidentFacts, p: PageFacts, lang: Language): RenderedMail {
  const ja = lang === "ja";
  const what = p.escalated
    ? ja
      ? `エスカレーション (レベル ${p.level})`
      : `Escalation (level ${p.level})`
    : ja
      ? "呼び出し"
      : "Page";
  return renderDoc({
    subject: `[PAGE] ${incidentSubject(f, lang, false)}`,
    heading: `${what}: ${f.contractName}`,
    paragraphs: [
      ja
        ? `${p.line === "second" ? "二次" : "一次"}対応として呼び出されました。受付 (acknowledge) してください。`
        : `You are paged as ${p.line}-line on call. Please acknowledge.`,
      ...(f.runbookMissing
        ? [ja ? "障害対応手順書が未提出です。" : "No incident runbook on file."]
        : []),
    ],
    fields: incidentFields(f, { atMs: p.atMs }, lang),
    link: { label: ja ? "インシデントを開く" : "Open the incident", url: f.link },
    footer: FOOTER[lang],
  });
}

export function renderQuotaOverage(
  f: IncidentFacts,
  month: string,
  atMs: number,
  lang: Language,
): RenderedMail {
  const ja = lang === "ja";
  return renderDoc({
    subject: ja
      ? `[MSP] 障害対応回数の上限超過のお知らせ (${month}) #${shortId(f.id)}`
      : `[MSP] Incident response quota exceeded (${month}) #${shortId(f.id)}`,
    heading: ja
      ? "今月の障害対応回数 (3 回) を超えました"
      : "This month's incident response quota (3) is used up",
    paragraphs: [
      ja
        ? "本インシデントへの対応は継続しますが、規約に基づき追加料金が発生する場合があります。"
        : "We still handle this incident; under the terms, additional charges may apply.",
    ],
    fields: incidentFields(f, { atMs }, lang),
    link: { label: ja ? "インシデントの詳細" : "Incident details", url: f.link },
    footer: FOOTER[lang],
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
  const ja = lang === "ja";
  return renderDoc({
    subject: ja
      ? `[MSP] メトリクス数の上限に達しました: ${c.componentName}`
      : `[MSP] Metric series cap reached: ${c.componentName}`,
    heading: ja ? "メトリクス数の上限に達しました" : "A component reached its metric series cap",
    paragraphs: [
      ja
        ? "既存のメトリクスは引き続き受け付けますが、新しいメトリクスは受け付けられません。上限緩和をご検討ください。"
        : "Existing series are still accepted; new series are rejected. Consider a cap relaxation.",
    ],
    fields: [
      [ja ? "ご契約" : "Contract", c.contractName],
      [ja ? "対象サーバー" : "Component", c.componentName],
      [ja ? "上限" : "Cap", String(c.cap)],
      [ja ? "アクティブ数" : "Active series", String(c.activeSeries)],
      [ja ? "日時" : "At", formatJst(c.atMs)],
    ],
    link: { label: ja ? "サーバーの詳細" : "Component details", url: c.link },
    footer: FOOTER[lang],
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
  const ja = lang === "ja";
  return renderDoc({
    subject: ja
      ? `[MSP] ${i.month} 分のご請求書を発行しました`
      : `[MSP] Your invoice for ${i.month} is issued`,
    heading: ja ? "ご請求書発行のお知らせ" : "Invoice issued",
    paragraphs: [],
    fields: [
      [ja ? "ご契約" : "Contract", i.contractName],
      [ja ? "対象月" : "Month", i.month],
      [ja ? "ご請求額 (税込)" : "Total (tax incl.)", formatYen(i.totalYen, lang)],
      [ja ? "お支払期日" : "Due date", i.dueDate],
    ],
    link: { label: ja ? "請求書を見る" : "View the invoice", url: i.link },
    footer: FOOTER[lang],
  });
}

/** One e-mail that stands in for the `opened` e-mails of an alert storm. */
export function renderDigest(
  contractName: string,
  items: IncidentFacts[],
  link: string,
  lang: Language,
): RenderedMail {
  const ja = lang === "ja";
  const line = (f: IncidentFacts) =>
    `#${shortId(f.id)} ${formatJst(f.openedAtMs)} ${f.componentName ?? "—"}: ${f.ruleName} (${f.severity}) ${f.link}`;
  return renderDoc({
    subject: ja
      ? `[MSP] ${contractName}: ${items.length} 件の障害を検知しました (まとめ)`
      : `[MSP] ${contractName}: ${items.length} incidents opened (digest)`,
    heading: ja ? "短時間に多数の障害を検知しました" : "Many incidents opened within a short time",
    paragraphs: [
      ja
        ? "個別のメールに代えて、この間に検知した障害をまとめてお知らせします。解消のお知らせは個別にお送りします。"
        : "Instead of one e-mail each, these are the incidents opened meanwhile. Resolution e-mails still come one by one.",
    ],
    fields: [[ja ? "ご契約" : "Contract", contractName]],
    items: items.map(line),
    link: { label: ja ? "インシデント一覧" : "All incidents", url: link },
    footer: FOOTER[lang],
  });
}
