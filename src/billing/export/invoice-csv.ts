// CSV export of one invoice: one row per line, then subtotal/tax/total rows, in one table so
// accounting tools can load it as is. UTF-8 with a BOM, which Excel needs to read Japanese.
import type { InvoiceEntity } from "../../db/entities/index.js";
import type { InvoiceLine } from "../../domain/billing/invoice-line.js";

const HEADER = [
  "invoice_id",
  "contract_id",
  "customer_name",
  "month",
  "revision",
  "line",
  "code",
  "description",
  "quantity",
  "unit_yen",
  "amount_yen",
  "taxable",
];

/** Quotes when needed; text that a spreadsheet would run as a formula is defused with a quote. */
export function csvText(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function invoiceCsv(invoice: InvoiceEntity): string {
  const head = [
    invoice.id,
    invoice.contractId,
    csvText(invoice.customerName),
    invoice.month,
    String(invoice.revision),
  ];
  const lines = invoice.lines as unknown as InvoiceLine[];
  const rows = lines.map((l, i) => [
    ...head,
    String(i + 1),
    l.code,
    csvText(l.description),
    String(l.quantity),
    String(l.unitYen),
    String(l.amountYen),
    String(l.taxable),
  ]);
  const nonTaxableYen = invoice.totalYen - invoice.subtotalYen - invoice.taxYen;
  const summary: [string, string, number][] = [
    ["subtotal", `Taxable subtotal (${invoice.taxRatePercent} %)`, invoice.subtotalYen],
    ["tax", `Consumption tax (${invoice.taxRatePercent} %)`, invoice.taxYen],
    ...(nonTaxableYen !== 0
      ? [
          ["non_taxable", "Non-taxable (late-payment interest)", nonTaxableYen] as [
            string,
            string,
            number,
          ],
        ]
      : []),
    ["total", "Total", invoice.totalYen],
  ];
  for (const [code, what, yen] of summary)
    rows.push([...head, "", code, csvText(what), "", "", String(yen), ""]);
  return "\uFEFF" + [HEADER, ...rows].map((r) => r.join(",")).join("\r\n") + "\r\n";
}
