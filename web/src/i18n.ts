// Japanese and English. The user's own language (from its account) applies at login; the
// switch in the header overrides it on this browser.
import { DEFAULT_PACK } from "../../src/domain/rules/default-pack.js";
import { en, ja, type MessageKey } from "./messages.js";
import { createStore, useStore } from "./store.js";

export type Lang = "ja" | "en";
export type { MessageKey };

const DICTS: Record<Lang, Record<MessageKey, string>> = { en, ja };
const saved = localStorage.getItem("lang");
export const language = createStore<Lang>(
  saved === "en" || saved === "ja" ? saved : navigator.language.startsWith("ja") ? "ja" : "en",
);
language.subscribe((l) => {
  document.documentElement.lang = l;
});

export function setLanguage(l: Lang, remember: boolean): void {
  if (remember) localStorage.setItem("lang", l);
  language.set(l);
}
/** The account's language applies unless this browser chose one with the switch. */
export function applyUserLanguage(l: string): void {
  if (!localStorage.getItem("lang") && (l === "ja" || l === "en")) language.set(l);
}

export type T = (key: MessageKey, vars?: Record<string, string | number>) => string;
export function translate(lang: Lang): T {
  return (key, vars) => {
    let s = DICTS[lang][key] ?? key;
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, String(v));
    return s;
  };
}
/** `t` for a label that may come from data (a state, plan or severity name). */
export function tryKey(t: T, key: string): string {
  return key in en ? t(key as MessageKey) : key;
}
/** The label of a data value in a namespace (`label(t, "event", "opened")`), else the value. */
export function label(t: T, prefix: string, value: string): string {
  return tryKey(t, `${prefix}.${value}`);
}

const PACK_KEY_BY_NAME = new Map(DEFAULT_PACK.map((r) => [r.name, r.packKey]));
/** A default-pack rule's name in the UI's language; a customer's own rule keeps its name. */
export function ruleLabel(t: T, ruleName: string): string {
  const key = PACK_KEY_BY_NAME.get(ruleName);
  return key ? tryKey(t, `rule.${key}`) : ruleName;
}

/** The platform's own actors on a timeline ("rule engine", "routing") in the UI's language. */
export function actorLabel(t: T, name: string): string {
  return label(t, "actor", name.replace(/\s+/g, "_"));
}

// Notes the platform writes itself (src/incidents), recognised by their English text and
// shown from the catalog; anything else (an engineer's note) is shown as written.
const SYSTEM_NOTES: [RegExp, MessageKey][] = [
  [/^no incident runbook on file: watched only until one is uploaded$/, "note.runbookMissing"],
  [/^condition cleared$/, "note.conditionCleared"],
  [
    /^opened during maintenance \(until (?<until>[^)]+)\): not paged or e-mailed$/,
    "note.maintenance",
  ],
  [/^all (?<n>\d+) components of the contract are silent: declare an outage\?$/, "note.allSilent"],
  [/^nobody further to page$/, "note.nobodyToPage"],
  [/^response (?<n>\d+) this month exceeds the quota of (?<quota>\d+)$/, "note.quotaExceeded"],
];
export function noteLabel(t: T, note: string, lang: Lang): string {
  for (const [re, key] of SYSTEM_NOTES) {
    const m = re.exec(note);
    if (!m) continue;
    const vars: Record<string, string> = { ...m.groups };
    if (vars.until) vars.until = formatTime(vars.until, lang);
    return t(key, vars);
  }
  return note;
}

export function useT(): T {
  return translate(useStore(language));
}

/** "5m", "2h3m" / "5分", "2時間3分": how long ago, in the UI's language. */
export function formatAge(fromIso: string, nowMs: number, t: T): string {
  const s = Math.max(0, Math.floor((nowMs - Date.parse(fromIso)) / 1000));
  if (s < 60) return t("ageS", { n: s });
  if (s < 3600) return t("ageM", { n: Math.floor(s / 60) });
  if (s < 86_400) return t("ageHM", { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
  return t("ageDH", { d: Math.floor(s / 86_400), h: Math.floor((s % 86_400) / 3600) });
}

/**
 * "2026/12/05 09:44:56" in Japan time, 24-hour, as the charts' axes, in both languages
 * (year first: unambiguous for an English reader too). `_lang` is kept for callers.
 */
export function formatTime(iso: string | null, _lang: Lang): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString("ja-JP", {
    timeZone: "Asia/Tokyo",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
}
