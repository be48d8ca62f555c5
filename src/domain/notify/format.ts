// Small formatting helpers for notification templates. Pure: times are epoch ms parameters.
import { DAY_MS, JST_OFFSET_MS } from "../time/jst.js";
import { jstDateOf } from "../time/jst.js";

export const LANGUAGES = ["ja", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Unknown languages fall back to Japanese, the service's own language. */
export function languageOf(value: string | null | undefined): Language {
  return value === "en" ? "en" : "ja";
}

export { escapeHtml } from "../../shared/html.js";

/** A header-safe line: CR/LF would let a customer-chosen name forge extra headers. */
export function oneLine(value: string): string {
  return value.replace(/[\r\n\t]+/g, " ").trim();
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "2026-11-20 12:00:05 JST" — every time a customer reads is in Japan time (SPEC). */
export function formatJst(instantMs: number): string {
  const local = instantMs + JST_OFFSET_MS;
  const msOfDay = ((local % DAY_MS) + DAY_MS) % DAY_MS;
  const [h, m, s] = [
    Math.floor(msOfDay / 3_600_000),
    Math.floor(msOfDay / 60_000) % 60,
    Math.floor(msOfDay / 1000) % 60,
  ];
  return `${jstDateOf(instantMs)} ${pad(h)}:${pad(m)}:${pad(s)} JST`;
}

/** Integer yen with thousands separators: 12,345 円 / ¥12,345. */
export function formatYen(yen: number, lang: Language): string {
  const digits = Math.trunc(yen).toLocaleString("en-US");
  return lang === "ja" ? `${digits} 円` : `¥${digits}`;
}

export function formatMetricValue(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "—";
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
}

/** The first 8 hex digits of a uuid: what a subject line and a phone call can carry. */
export function shortId(uuid: string): string {
  return uuid.replace(/-/g, "").slice(0, 8);
}

/** The domain of a From address ("MSP <noreply@msp.example>" → "msp.example"). */
export function mailDomain(from: string): string {
  const m = /@([^>\s]+)>?\s*$/.exec(from);
  return m?.[1] ?? "localhost";
}
