// Billing preview (SPEC §7): JSON scenario in, invoice or named problems out. Shared by the
// CLI command and the HTTP route so both answer identically; never a partial invoice.
import { type Invoice, computeInvoice } from "../domain/billing/invoice.js";
import { TARIFF_VERSIONS, type Tariff } from "../domain/billing/tariff.js";
import type { ErrorIssue } from "../shared/errors.js";
import { parseScenario } from "./scenario.schema.js";

export type PreviewResult = { ok: true; invoice: Invoice } | { ok: false; issues: ErrorIssue[] };

export function previewInvoice(
  json: unknown,
  versions: readonly Tariff[] = TARIFF_VERSIONS,
): PreviewResult {
  const parsed = parseScenario(json, versions);
  if (!parsed.ok) return parsed;
  return { ok: true, invoice: computeInvoice(parsed.value, versions) };
}

/** The API's preview: quotes with the stored tariff versions the close uses. */
export async function previewWithStoredTariffs(
  store: { tariffVersions(): Promise<Tariff[]> },
  json: unknown,
): Promise<PreviewResult> {
  return previewInvoice(json, await store.tariffVersions());
}
