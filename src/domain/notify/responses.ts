// "What the plan's response will be" (SPEC 2), as a customer reads it in an incident e-mail.
import type { Language } from "./format.js";

const RESPONSES = {
  ja: {
    watch: "監視プラン: 当社は状況を監視し、変化があればメールでお知らせします。",
    first_line:
      "障害時一次対応: NOC エンジニアが呼び出され、受付の上、貴社の障害対応手順書に沿って対応し、ご連絡します。",
    second_line:
      "障害時二次対応: 一次対応に加え、障害の切り分けとアプリケーションベンダーへの連絡を代行します。",
    runbook: "運用代行: 二次対応に加え、運用手順書に基づく作業を貴社に代わって実施します。",
    runbookMissing:
      "ご注意: 障害対応手順書のご提出まで一次対応は適用されません。本インシデントは監視のみの扱いとなります。",
  },
  en: {
    watch: "Monitoring plan: we watch the incident and notify you by e-mail of every change.",
    first_line:
      "First-line response: a NOC engineer is paged, acknowledges the incident, follows your incident runbook and contacts you.",
    second_line:
      "Second-line response: on top of first-line response, we isolate the fault and contact your application vendor on your behalf.",
    runbook:
      "Runbook execution: on top of second-line response, we perform operations from your ops runbook on your behalf.",
    runbookMissing:
      "Note: first-line response is not applied until an incident-response runbook is on file; this incident is handled as monitoring only.",
  },
} as const;

type Tier = "watch" | "first_line" | "second_line" | "runbook";
const isTier = (t: string | null): t is Tier =>
  t === "watch" || t === "first_line" || t === "second_line" || t === "runbook";

export function responseOf(tier: string | null, runbookMissing: boolean, lang: Language): string {
  const r = RESPONSES[lang];
  if (runbookMissing) return `${r.watch} ${r.runbookMissing}`;
  return r[isTier(tier) ? tier : "watch"];
}
