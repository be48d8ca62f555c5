// The message catalog of every e-mail, Japanese and English. `ja` is typed by `en`'s keys,
// so a key missing from either fails tsc, and messages.test.ts compares keys and
// placeholders. Values a template takes from data (severity, a default-pack rule's name)
// have keys here too, so a Japanese e-mail carries no English label.
import { DEFAULT_PACK } from "../rules/default-pack.js";
import type { Language } from "./format.js";

const en = {
  // Incident e-mails
  "incident.opened": "Incident detected",
  "incident.acknowledged": "An engineer is working on it",
  "incident.resolved": "Incident resolved",
  "incident.reopened": "Incident reopened",
  contract: "Contract",
  component: "Component",
  rule: "Rule",
  metric: "Metric",
  valueThreshold: "Value / threshold",
  severity: "Severity",
  detected: "Detected",
  updated: "Updated",
  incidentLink: "Incident details",
  on: "{rule} on {component}",
  engineer: "Engineer: {name}",
  resolvedHow: "Resolved {how}.",
  "resolvedBy.auto": "automatically, the condition cleared",
  "resolvedBy.manual": "by an engineer",
  "resolvedBy.false_alarm": "as a false alarm",
  footer: "This message was sent automatically by the MSP monitoring service.",
  // Engineer pages
  page: "Page",
  escalation: "Escalation (level {level})",
  pagedAs: "You are paged as {line}-line on call. Please acknowledge.",
  "line.first": "first",
  "line.second": "second",
  noRunbook: "No incident runbook on file.",
  openIncident: "Open the incident",
  // Quota overage
  quotaSubject: "[MSP] Incident response quota exceeded ({month}) #{id}",
  quotaHeading: "This month's incident response quota (3) is used up",
  quotaBody: "We still handle this incident; under the terms, additional charges may apply.",
  // Cap reached
  capSubject: "[MSP] Metric series cap reached: {component}",
  capHeading: "A component reached its metric series cap",
  capBody:
    "Existing series are still accepted; new series are rejected. Consider a cap relaxation.",
  cap: "Cap",
  activeSeries: "Active series",
  at: "At",
  componentLink: "Component details",
  // Invoice
  invoiceSubject: "[MSP] Your invoice for {month} is issued",
  invoiceHeading: "Invoice issued",
  month: "Month",
  total: "Total (tax incl.)",
  dueDate: "Due date",
  invoiceLink: "View the invoice",
  // Storm digest
  digestSubject: "[MSP] {contract}: {n} incidents opened (digest)",
  digestHeading: "Many incidents opened within a short time",
  digestBody:
    "Instead of one e-mail each, these are the incidents opened meanwhile. Resolution e-mails still come one by one.",
  digestLink: "All incidents",
  // Grouped incident (an alert storm)
  groupHeading: "More components affected: {rule} on {active}",
  groupBody: "They are handled as one incident (as of {at}, {active} of {total} still failing).",
  groupMore: "and {n} more",
  groupRecovered: " (recovered)",
  // Values from data
  "sev.critical": "critical",
  "sev.warning": "warning",
  "sev.info": "info",
  "rule.cpu_high": "CPU busy above 90%",
  "rule.cpu_high_windows": "CPU busy above 90% (Windows exporter)",
  "rule.memory_low": "Available memory below 10%",
  "rule.disk_full": "Filesystem space below 10%",
  "rule.agent_silent": "Agent silent",
};
export type MailKey = keyof typeof en;

const ja: Record<MailKey, string> = {
  "incident.opened": "障害を検知しました",
  "incident.acknowledged": "担当者が対応を開始しました",
  "incident.resolved": "障害は解消しました",
  "incident.reopened": "障害が再発しました",
  contract: "ご契約",
  component: "対象サーバー",
  rule: "検知ルール",
  metric: "メトリクス",
  valueThreshold: "値 / しきい値",
  severity: "重要度",
  detected: "検知日時",
  updated: "更新日時",
  incidentLink: "インシデントの詳細",
  on: "{component} で {rule}",
  engineer: "担当: {name}",
  resolvedHow: "{how}解決済みとしました。",
  "resolvedBy.auto": "条件が解消したため自動で",
  "resolvedBy.manual": "担当者により",
  "resolvedBy.false_alarm": "誤検知として",
  footer: "このメールは MSP 監視サービスから自動送信されています。",
  page: "呼び出し",
  escalation: "エスカレーション (レベル {level})",
  pagedAs: "{line}対応として呼び出されました。受付してください。",
  "line.first": "一次",
  "line.second": "二次",
  noRunbook: "障害対応手順書が未提出です。",
  openIncident: "インシデントを開く",
  quotaSubject: "[MSP] 障害対応回数の上限超過のお知らせ ({month}) #{id}",
  quotaHeading: "今月の障害対応回数 (3 回) を超えました",
  quotaBody: "本インシデントへの対応は継続しますが、規約に基づき追加料金が発生する場合があります。",
  capSubject: "[MSP] メトリクス数の上限に達しました: {component}",
  capHeading: "メトリクス数の上限に達しました",
  capBody:
    "既存のメトリクスは引き続き受け付けますが、新しいメトリクスは受け付けられません。上限緩和をご検討ください。",
  cap: "上限",
  activeSeries: "アクティブ数",
  at: "日時",
  componentLink: "サーバーの詳細",
  invoiceSubject: "[MSP] {month} 分のご請求書を発行しました",
  invoiceHeading: "ご請求書発行のお知らせ",
  month: "対象月",
  total: "ご請求額 (税込)",
  dueDate: "お支払期日",
  invoiceLink: "請求書を見る",
  digestSubject: "[MSP] {contract}: {n} 件の障害を検知しました (まとめ)",
  digestHeading: "短時間に多数の障害を検知しました",
  digestBody:
    "個別のメールに代えて、この間に検知した障害をまとめてお知らせします。解消のお知らせは個別にお送りします。",
  digestLink: "インシデント一覧",
  groupHeading: "影響を受けるサーバーが増えました: {active} 件で {rule}",
  groupBody:
    "同じ障害として 1 件のインシデントにまとめています ({at} 時点で {total} 件中 {active} 件が継続中)。",
  groupMore: "ほか {n} 件",
  groupRecovered: " (回復)",
  "sev.critical": "重大",
  "sev.warning": "警告",
  "sev.info": "情報",
  "rule.cpu_high": "CPU 使用率 90% 超",
  "rule.cpu_high_windows": "CPU 使用率 90% 超 (Windows exporter)",
  "rule.memory_low": "空きメモリ 10% 未満",
  "rule.disk_full": "ファイルシステム空き 10% 未満",
  "rule.agent_silent": "エージェント無応答",
};

export const MAIL_CATALOGS: Record<Language, Record<MailKey, string>> = { en, ja };

export type MailT = (key: MailKey, vars?: Record<string, string | number>) => string;

/** The catalog of one language; `{name}` placeholders filled from `vars`. */
export function mailText(lang: Language): MailT {
  const dict = MAIL_CATALOGS[lang];
  return (key, vars) => {
    let s = dict[key];
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
    return s;
  };
}

const isKey = (k: string): k is MailKey => k in en;

/** A data value's label in a namespace (`sev.critical`), else the value as stored. */
export function mailLabel(lang: Language, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return isKey(key) ? MAIL_CATALOGS[lang][key] : value;
}

const PACK_KEY_BY_NAME = new Map(DEFAULT_PACK.map((r) => [r.name, r.packKey]));
/** A default-pack rule's name in the reader's language; a contract's own rule keeps its name. */
export function ruleDisplayName(ruleName: string, lang: Language): string {
  const packKey = PACK_KEY_BY_NAME.get(ruleName);
  return packKey ? mailLabel(lang, "rule", packKey) : ruleName;
}
