// Maintenance windows a customer schedules for its contract or one component: incidents
// opened inside one are recorded but not paged or e-mailed.
import { useEffect, useState } from "preact/hooks";
import { api, type Page } from "../api.js";
import { formatTime, label, language, useT } from "../i18n.js";
import { useStore } from "../store.js";

interface Window {
  id: string;
  componentId: string | null;
  startsAt: string;
  endsAt: string;
  recurrence: string;
  reason: string;
  activeNow: boolean;
}

/** `datetime-local` values are this browser's local time; the API wants an instant. */
const toInstant = (local: string) => new Date(local).toISOString();

export function MaintenancePanel(p: {
  contractId: string;
  components: { id: string; name: string }[];
}) {
  const t = useT();
  const lang = useStore(language);
  const [windows, setWindows] = useState<Window[]>([]);
  const [form, setForm] = useState({
    componentId: "",
    startsAt: "",
    endsAt: "",
    recurrence: "none",
    reason: "",
  });
  const [error, setError] = useState<string | null>(null);
  const path = `/contracts/${p.contractId}/maintenance-windows`;
  const load = () =>
    api<Page<Window>>("GET", `${path}?limit=50`)
      .then((r) => setWindows(r.items))
      .catch(() => setWindows([]));
  useEffect(() => void load(), [p.contractId]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api("POST", path, {
        componentId: form.componentId || null,
        startsAt: toInstant(form.startsAt),
        endsAt: toInstant(form.endsAt),
        recurrence: form.recurrence,
        reason: form.reason,
      });
      setForm({ ...form, reason: "" });
      await load();
    } catch (err) {
      setError(t("actionFailed", { detail: (err as Error).message }));
    }
  };
  const field = (k: keyof typeof form) => ({
    value: form[k],
    onInput: (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value }),
  });
  return (
    <section>
      <h2>{t("maintenanceWindows")}</h2>
      {windows.length === 0 && <p class="muted">{t("noWindows")}</p>}
      <ul>
        {windows.map((w) => (
          <li key={w.id} class={w.activeNow ? "active" : ""}>
            {formatTime(w.startsAt, lang)} – {formatTime(w.endsAt, lang)} (
            {label(t, "recurrence", w.recurrence)}) {w.reason}
            {w.componentId && ` · ${p.components.find((c) => c.id === w.componentId)?.name ?? ""}`}
          </li>
        ))}
      </ul>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <label>
          {t("component")}
          <select {...field("componentId")} onChange={field("componentId").onInput}>
            <option value="">{t("all")}</option>
            {p.components.map((c) => (
              <option value={c.id}>{c.name}</option>
            ))}
          </select>
        </label>
        <label>
          {t("startsAt")} <input type="datetime-local" required {...field("startsAt")} />
        </label>
        <label>
          {t("endsAt")} <input type="datetime-local" required {...field("endsAt")} />
        </label>
        <label>
          {t("recurrence")}
          <select {...field("recurrence")} onChange={field("recurrence").onInput}>
            {["none", "daily", "weekly", "monthly"].map((r) => (
              <option value={r}>{label(t, "recurrence", r)}</option>
            ))}
          </select>
        </label>
        <label>
          {t("reason")} <input required {...field("reason")} />
        </label>
        <button type="submit">{t("schedule")}</button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
