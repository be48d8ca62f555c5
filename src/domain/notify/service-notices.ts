// Customer notices that are not about an incident or an invoice (issue 15): scheduled
// maintenance announced ahead (Art. 17), changes of the terms (Art. 4), the end of the service
// (Art. 5), and the reminder before the renewal-objection deadline (Art. 11). ja and en.
import type { Language } from "./format.js";
import { renderDoc, type RenderedMail } from "./mail-doc.js";

const FOOTER = {
  ja: "このメールは MSP 監視サービスから自動送信されています。お問い合わせ受付: 営業日 9:00–17:00 (JST)。",
  en: "This message was sent automatically by the MSP monitoring service. Inquiries: business days 09:00–17:00 JST.",
} as const;

export interface MaintenanceFacts {
  contractName: string;
  startsAt: string;
  endsAt: string;
  reason: string;
}

export function renderMaintenanceNotice(f: MaintenanceFacts, lang: Language): RenderedMail {
  const ja = lang === "ja";
  return renderDoc({
    lang,
    subject: ja
      ? `[MSP] 計画メンテナンスのお知らせ (${f.startsAt})`
      : `[MSP] Scheduled maintenance (${f.startsAt})`,
    heading: ja
      ? `計画メンテナンスのお知らせ: ${f.contractName}`
      : `Scheduled maintenance: ${f.contractName}`,
    paragraphs: [
      ja
        ? "下記の期間、メンテナンスのためサービスを停止または制限する場合があります (利用規約第17条)。"
        : "The service may be stopped or restricted for maintenance during the period below (Art. 17 of the terms).",
    ],
    fields: ja
      ? [
          ["開始", f.startsAt],
          ["終了", f.endsAt],
          ["内容", f.reason],
        ]
      : [
          ["Starts", f.startsAt],
          ["Ends", f.endsAt],
          ["Reason", f.reason],
        ],
    footer: FOOTER[lang],
  });
}

export const SERVICE_NOTICE_KINDS = ["terms_change", "end_of_service"] as const;
export type ServiceNoticeKind = (typeof SERVICE_NOTICE_KINDS)[number];

export interface ServiceNoticeFacts {
  kind: ServiceNoticeKind;
  contractName: string;
  effectiveDate: string;
  text: string;
}

export function renderServiceNotice(f: ServiceNoticeFacts, lang: Language): RenderedMail {
  const ja = lang === "ja";
  const terms = f.kind === "terms_change";
  const title = terms
    ? ja
      ? "利用規約変更のお知らせ"
      : "Change of the terms of service"
    : ja
      ? "サービス提供終了のお知らせ"
      : "End of the service";
  return renderDoc({
    lang,
    subject: `[MSP] ${title} (${f.effectiveDate})`,
    heading: `${title}: ${f.contractName}`,
    paragraphs: [
      terms
        ? ja
          ? `${f.effectiveDate} より利用規約を変更します (利用規約第4条)。`
          : `The terms of service change from ${f.effectiveDate} (Art. 4 of the terms).`
        : ja
          ? `${f.effectiveDate} をもって本サービスの提供を終了します (利用規約第5条)。`
          : `The service ends on ${f.effectiveDate} (Art. 5 of the terms).`,
      f.text,
    ],
    fields: [],
    footer: FOOTER[lang],
  });
}

export interface RenewalReminderFacts {
  contractName: string;
  termEnd: string;
  deadline: string;
}

export function renderRenewalReminder(f: RenewalReminderFacts, lang: Language): RenderedMail {
  const ja = lang === "ja";
  return renderDoc({
    lang,
    subject: ja
      ? `[MSP] 契約更新のご案内 (更新拒絶の期限 ${f.deadline})`
      : `[MSP] Contract renewal (objection deadline ${f.deadline})`,
    heading: ja ? `契約更新のご案内: ${f.contractName}` : `Contract renewal: ${f.contractName}`,
    paragraphs: [
      ja
        ? `契約期間は ${f.termEnd} に満了し、以後 1 か月ごとに自動更新されます。更新を希望されない場合は ${f.deadline} までにお申し出ください (利用規約第11条)。`
        : `The contract term ends on ${f.termEnd} and then renews month by month. To object to the renewal, tell us by ${f.deadline} (Art. 11 of the terms).`,
    ],
    fields: [],
    footer: FOOTER[lang],
  });
}
