// Wording of the printed invoice in both languages. Keyed by the closed set of line codes,
// so a new code cannot ship without its label.
import type { LineCode } from "../../domain/billing/invoice-line.js";
import type { YearMonth } from "../../domain/time/month.js";

export type Lang = "ja" | "en";

export const LINE_LABELS: Record<LineCode, Record<Lang, string>> = {
  base: { ja: "月額基本料金", en: "Monthly base fee" },
  component: { ja: "コンポーネント料金", en: "Components" },
  cap_relaxation: { ja: "メトリクス上限緩和", en: "Metric cap relaxation" },
  service_fee: { ja: "サービス利用料", en: "Service fee" },
  initial: { ja: "初期費用", en: "Initial fee" },
  initial_extra: { ja: "初期費用（追加コンポーネント）", en: "Initial fee, extra components" },
  component_added: { ja: "初期費用（コンポーネント追加）", en: "Initial fee, components added" },
  exemption_managed: {
    ja: "障害による減免（マネージドサービス）",
    en: "Outage exemption (managed service)",
  },
  exemption_service: { ja: "障害による減免（サービス）", en: "Outage exemption (service)" },
  exemption_refund: { ja: "減免の精算", en: "Outage exemption settlement" },
  incident_overage: { ja: "障害対応（月間上限超過分）", en: "Incident responses beyond the quota" },
  runbook_overage: { ja: "運用代行（時間超過分・分）", en: "Runbook minutes beyond the allowance" },
  liability_credit: { ja: "損害賠償による減額", en: "Liability credit" },
  early_termination: { ja: "中途解約に伴う料金", en: "Early termination" },
  downgrade: { ja: "プラン変更に伴う差額", en: "Downgrade within the minimum term" },
  late_interest: { ja: "遅延損害金", en: "Late-payment interest" },
  adjustment: { ja: "調整", en: "Adjustment" },
  credit_brought_forward: { ja: "前月からの繰越減額", en: "Credit brought forward" },
  credit_carried_forward: { ja: "翌月への繰越減額", en: "Credit carried forward" },
};

export const TEXT = {
  ja: {
    title: "請求書",
    invoiceNo: "請求書番号",
    month: "対象月",
    issued: "発行日",
    due: "お支払期限",
    revision: "改訂",
    registration: "登録番号",
    honorific: "御中",
    item: "項目",
    detail: "内容",
    quantity: "数量",
    unit: "単価",
    amount: "金額",
    tax: "税区分",
    nonTaxable: "対象外",
    subtotal: (rate: string) => `${rate}%対象 小計`,
    taxLine: (rate: string) => `消費税（${rate}%）`,
    nonTaxableTotal: "対象外（遅延損害金）",
    total: "ご請求金額（税込）",
    quoted: "（別途見積）",
    note: "金額は日本円です。1円未満の端数は切り捨てています。",
  },
  en: {
    title: "Invoice",
    invoiceNo: "Invoice number",
    month: "Billing month",
    issued: "Issue date",
    due: "Due date",
    revision: "Revision",
    registration: "Registration number",
    honorific: "",
    item: "Item",
    detail: "Detail",
    quantity: "Qty",
    unit: "Unit price",
    amount: "Amount",
    tax: "Tax",
    nonTaxable: "non-taxable",
    subtotal: (rate: string) => `Subtotal subject to ${rate} % tax`,
    taxLine: (rate: string) => `Consumption tax (${rate} %)`,
    nonTaxableTotal: "Non-taxable (late-payment interest)",
    total: "Total due (tax included)",
    quoted: " (to be quoted)",
    note: "Amounts in Japanese yen; fractions of a yen are rounded down.",
  },
} as const;

const MONTHS_EN = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

export function monthLabel(month: YearMonth, lang: Lang): string {
  const [year, m] = [month.slice(0, 4), Number(month.slice(5, 7))];
  return lang === "ja" ? `${year}年${m}月` : `${MONTHS_EN[m - 1]} ${year}`;
}

/** "¥89,600", "-¥5,973": grouping by hand so output does not depend on ICU data. */
export function yenText(amountYen: number): string {
  const digits = String(Math.abs(amountYen)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${amountYen < 0 ? "-" : ""}¥${digits}`;
}
