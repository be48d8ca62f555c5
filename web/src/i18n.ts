// Japanese and English. The user's own language (from its account) applies at login; the
// switch in the header overrides it on this browser.
import { createStore, useStore } from "./store.js";

export type Lang = "ja" | "en";

const en = {
  appTitle: "MSP NOC",
  login: "Log in",
  logout: "Log out",
  email: "E-mail",
  password: "Password",
  loginFailed: "Wrong e-mail or password.",
  loginThrottled: "Too many failed logins. Try again later.",
  newPassword: "New password (12 characters or more)",
  changePassword: "Change password",
  mustChangePassword: "This is a one-time password: choose your own to continue.",
  passwordChangeFailed: "The new password was not accepted (12+ characters, not the old one).",
  board: "NOC board",
  oncall: "On-call",
  portal: "My contract",
  largeType: "Large type",
  sound: "Sound",
  language: "Language",
  loading: "Loading…",
  notFound: "Not found.",
  unavailable: "Unavailable.",
  error: "Something went wrong.",
  contracts: "Contracts",
  customer: "Customer",
  plan: "Plan",
  health: "Health",
  up: "up",
  down: "down",
  silent: "silent",
  maintenance: "maint.",
  incidents: "Incidents",
  liveIncidents: "Live incidents",
  oldest: "oldest",
  quota: "Quota",
  usedOf: "{used}/{quota} used",
  remaining: "{n} left",
  overage: "overage",
  warnings: "Warnings",
  capWarning: "cap {n}",
  runbookMissing: "no runbook",
  failedNotifications: "{n} failed mails",
  all: "all",
  contract: "Contract",
  severity: "Severity",
  state: "State",
  component: "Component",
  rule: "Rule",
  age: "Age",
  tier: "Tier",
  newIncident: "New incident: {what}",
  connected: "live",
  disconnected: "reconnecting…",
  open: "open",
  acknowledged: "acknowledged",
  resolved: "resolved",
  active: "active",
  critical: "critical",
  warning: "warning",
  info: "info",
  entry: "Entry",
  standard: "Standard",
  advanced: "Advanced",
  premium: "Premium",
  watch: "watch",
  first_line: "first line",
  second_line: "second line",
  runbook: "runbook",
  suppressed: "in maintenance",
  acknowledge: "Acknowledge",
  escalate: "Escalate",
  resolve: "Resolve",
  reopen: "Reopen",
  declareOutage: "Declare outage",
  classify: "Classify",
  startTask: "Start runbook task",
  stopTask: "Stop runbook task",
  addNote: "Add note",
  note: "Note",
  reason: "Reason",
  falseAlarm: "False alarm",
  cause: "Cause",
  scope: "Scope",
  timeline: "Timeline",
  notifications: "Notifications",
  metric: "Metric",
  value: "Value",
  threshold: "Threshold",
  opened: "Opened",
  escalationLevel: "Escalation level",
  repeats: "Repeats",
  myPages: "My pages",
  onCallNow: "On call now",
  handover: "Hand-over notes",
  post: "Post",
  nothing: "Nothing here.",
  series: "Series",
  range: "Range",
  capUsage: "Cap usage",
  relaxations: "Relaxation steps",
  lastSeen: "Agent last seen",
  never: "never",
  components: "Components",
  maintenanceWindows: "Maintenance windows",
  schedule: "Schedule",
  startsAt: "Starts",
  endsAt: "Ends",
  recurrence: "Recurrence",
  runbookAllowance: "Runbook allowance",
  invoices: "Invoices",
  view: "View",
  download: "Download CSV",
  contacts: "Contacts",
  mailbox: "Mailbox",
  month: "Month",
  total: "Total",
  minutes: "{n} min",
  done: "Done.",
  back: "Back",
  keyboardHelp: "j/k or ↑/↓ move, Enter opens",
};
export type MessageKey = keyof typeof en;

const ja: Record<MessageKey, string> = {
  appTitle: "MSP 監視センター",
  login: "ログイン",
  logout: "ログアウト",
  email: "メールアドレス",
  password: "パスワード",
  loginFailed: "メールアドレスまたはパスワードが違います。",
  loginThrottled: "ログインの失敗が続いたため、しばらくしてからお試しください。",
  newPassword: "新しいパスワード（12文字以上）",
  changePassword: "パスワードを変更",
  mustChangePassword: "一時パスワードです。続けるにはご自身のパスワードを設定してください。",
  passwordChangeFailed: "新しいパスワードを設定できませんでした（12文字以上、以前と異なるもの）。",
  board: "NOCボード",
  oncall: "オンコール",
  portal: "ご契約",
  largeType: "大きな文字",
  sound: "音",
  language: "言語",
  loading: "読み込み中…",
  notFound: "見つかりません。",
  unavailable: "利用できません。",
  error: "エラーが発生しました。",
  contracts: "契約",
  customer: "契約者",
  plan: "プラン",
  health: "状態",
  up: "正常",
  down: "停止",
  silent: "無応答",
  maintenance: "保守中",
  incidents: "インシデント",
  liveIncidents: "ライブ インシデント",
  oldest: "最古",
  quota: "対応枠",
  usedOf: "{quota}件中{used}件使用",
  remaining: "残り{n}件",
  overage: "超過",
  warnings: "警告",
  capWarning: "上限 {n}",
  runbookMissing: "手順書なし",
  failedNotifications: "送信失敗 {n}件",
  all: "すべて",
  contract: "契約",
  severity: "重要度",
  state: "状態",
  component: "コンポーネント",
  rule: "ルール",
  age: "経過",
  tier: "対応区分",
  newIncident: "新しいインシデント: {what}",
  connected: "ライブ",
  disconnected: "再接続中…",
  open: "未対応",
  acknowledged: "対応中",
  resolved: "解決済み",
  active: "未解決",
  critical: "重大",
  warning: "警告",
  info: "情報",
  entry: "エントリー",
  standard: "スタンダード",
  advanced: "アドバンスト",
  premium: "プレミアム",
  watch: "監視のみ",
  first_line: "一次対応",
  second_line: "二次対応",
  runbook: "運用代行",
  suppressed: "保守中",
  acknowledge: "受付",
  escalate: "エスカレーション",
  resolve: "解決",
  reopen: "再オープン",
  declareOutage: "障害を宣言",
  classify: "原因を分類",
  startTask: "運用代行を開始",
  stopTask: "運用代行を終了",
  addNote: "メモを追加",
  note: "メモ",
  reason: "理由",
  falseAlarm: "誤報",
  cause: "原因",
  scope: "範囲",
  timeline: "タイムライン",
  notifications: "通知",
  metric: "メトリクス",
  value: "値",
  threshold: "しきい値",
  opened: "検知",
  escalationLevel: "エスカレーション段階",
  repeats: "再発回数",
  myPages: "自分への呼び出し",
  onCallNow: "現在のオンコール",
  handover: "引き継ぎメモ",
  post: "投稿",
  nothing: "ありません。",
  series: "系列",
  range: "期間",
  capUsage: "上限の使用状況",
  relaxations: "上限緩和",
  lastSeen: "エージェント最終受信",
  never: "なし",
  components: "コンポーネント",
  maintenanceWindows: "メンテナンス時間帯",
  schedule: "登録",
  startsAt: "開始",
  endsAt: "終了",
  recurrence: "繰り返し",
  runbookAllowance: "運用代行の利用枠",
  invoices: "請求書",
  view: "表示",
  download: "CSVダウンロード",
  contacts: "連絡先",
  mailbox: "メールボックス",
  month: "月",
  total: "合計",
  minutes: "{n}分",
  done: "完了しました。",
  back: "戻る",
  keyboardHelp: "j/k または ↑/↓ で移動、Enter で開く",
};

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

export function useT(): T {
  return translate(useStore(language));
}

export function formatAge(fromIso: string, nowMs: number): string {
  const s = Math.max(0, Math.floor((nowMs - Date.parse(fromIso)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600)}h`;
}

export function formatTime(iso: string | null, lang: Lang): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(lang === "ja" ? "ja-JP" : "en-GB", {
    timeZone: "Asia/Tokyo",
    dateStyle: "short",
    timeStyle: "medium",
  });
}
