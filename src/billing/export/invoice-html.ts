// The printable invoice (qualified invoice, 適格請求書): seller and registration number, the
// customer, the month, the lines, the subtotal per tax rate, the tax, the total, the issue
// date. Every text that came from data goes through esc(); the page loads nothing external.
import type { InvoiceEntity } from "../../db/entities/index.js";
import type { InvoiceLine } from "../../domain/billing/invoice-line.js";
import { jstDateOf } from "../../domain/time/jst.js";
import { escapeHtml as esc } from "../../shared/html.js";
import { LINE_LABELS, monthLabel, TEXT, yenText, type Lang } from "./labels.js";

export interface Seller {
  sellerName: string;
  sellerRegistrationNumber: string;
}

const STYLE = `body{font-family:"Noto Sans JP","Hiragino Sans",sans-serif;margin:2rem;color:#111}
main{max-width:60rem;margin:auto}h1{text-align:center;letter-spacing:.3em}
.parties{display:flex;justify-content:space-between;gap:2rem}.customer{font-size:1.3rem;border-bottom:1px solid #111}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:bold}
table{border-collapse:collapse;width:100%;margin-top:1rem}th,td{border:1px solid #999;padding:.3rem .5rem}
td.n{text-align:right;white-space:nowrap}.totals{width:auto;margin-left:auto}.total th,.total td{font-size:1.2rem;font-weight:bold}
@media print{body{margin:0}}`;

function lineRow(l: InvoiceLine, lang: Lang, rate: string): string {
  const t = TEXT[lang];
  const quoted = l.toBeQuoted ? t.quoted : "";
  return (
    `<tr><td>${esc(LINE_LABELS[l.code][lang])}${esc(quoted)}</td><td>${esc(l.description)}</td>` +
    `<td class="n">${esc(l.quantity)}</td><td class="n">${esc(yenText(l.unitYen))}</td>` +
    `<td class="n">${esc(yenText(l.amountYen))}</td><td>${l.taxable ? esc(`${rate}%`) : esc(t.nonTaxable)}</td></tr>`
  );
}

function totalsTable(invoice: InvoiceEntity, lang: Lang, rate: string): string {
  const t = TEXT[lang];
  const nonTaxableYen = invoice.totalYen - invoice.subtotalYen - invoice.taxYen;
  const row = (label: string, yen: number, cls = "") =>
    `<tr${cls}><th>${esc(label)}</th><td class="n">${esc(yenText(yen))}</td></tr>`;
  return (
    `<table class="totals">${row(t.subtotal(rate), invoice.subtotalYen)}${row(t.taxLine(rate), invoice.taxYen)}` +
    `${nonTaxableYen !== 0 ? row(t.nonTaxableTotal, nonTaxableYen) : ""}${row(t.total, invoice.totalYen, ' class="total"')}</table>`
  );
}

export function invoiceHtml(invoice: InvoiceEntity, seller: Seller, lang: Lang): string {
  const t = TEXT[lang];
  const rate = String(invoice.taxRatePercent);
  const lines = invoice.lines as unknown as InvoiceLine[];
  const revision =
    invoice.revision > 1
      ? `<dt>${esc(t.revision)}</dt><dd>${esc(invoice.revision)}${invoice.reason ? `: ${esc(invoice.reason)}` : ""}</dd>`
      : "";
  const customer = `${esc(invoice.customerName)}${t.honorific ? ` ${esc(t.honorific)}` : ""}`;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${esc(t.title)} ${esc(invoice.month)} — ${esc(invoice.customerName)}</title><style>${STYLE}</style></head>
<body><main>
<h1>${esc(t.title)}</h1>
<section class="parties"><div><p class="customer">${customer}</p></div>
<div class="seller"><p>${esc(seller.sellerName)}</p><p>${esc(t.registration)}: ${esc(seller.sellerRegistrationNumber)}</p></div></section>
<dl><dt>${esc(t.invoiceNo)}</dt><dd>${esc(invoice.id)}</dd><dt>${esc(t.month)}</dt><dd>${esc(monthLabel(invoice.month, lang))}</dd>
<dt>${esc(t.issued)}</dt><dd>${esc(jstDateOf(invoice.issuedAt.getTime()))}</dd><dt>${esc(t.due)}</dt><dd>${esc(invoice.dueDate)}</dd>${revision}</dl>
<table class="lines"><thead><tr><th>${esc(t.item)}</th><th>${esc(t.detail)}</th><th>${esc(t.quantity)}</th><th>${esc(t.unit)}</th><th>${esc(t.amount)}</th><th>${esc(t.tax)}</th></tr></thead>
<tbody>${lines.map((l) => lineRow(l, lang, rate)).join("\n")}</tbody></table>
${totalsTable(invoice, lang, rate)}
<p>${esc(t.note)}</p>
</main></body></html>
`;
}
