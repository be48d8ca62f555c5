// The on-call console: my pages (acknowledge in one click), who is on call, hand-over notes.
import { useEffect, useMemo, useState } from "preact/hooks";
import { api, type Page } from "../api.js";
import { formatAge, formatTime, language, ruleLabel, tryKey, useT } from "../i18n.js";
import { live, type Incident } from "../live-incidents.js";
import { href } from "../router.js";
import type { Me } from "../session.js";
import { useStore } from "../store.js";
import { Status } from "../ui/layout.js";

interface OnCall {
  userId: string;
  displayName: string;
  overridden: boolean;
}
interface Note {
  id: string;
  authorId: string;
  note: string;
  createdAt: string;
}

export function OncallPage(p: { me: Me }) {
  useEffect(() => live.connect(), []);
  const t = useT();
  const lang = useStore(language);
  const tick = useStore(live.tick);
  const [mine, setMine] = useState<Incident[] | null>(null);
  const [now, setNow] = useState<{ first: OnCall | null; second: OnCall | null } | null>(null);
  const [notes, setNotes] = useState<Note[]>([]);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<unknown>(null);

  const loadMine = () =>
    api<Page<Incident>>("GET", `/incidents?state=active&assigneeId=${p.me.id}&limit=200`)
      .then((r) => setMine(r.items))
      .catch(setError);
  const loadNotes = () =>
    api<Page<Note>>("GET", "/oncall/handover-notes?limit=20")
      .then((r) => setNotes(r.items))
      .catch(() => setNotes([]));
  useEffect(() => {
    void loadMine();
    void loadNotes();
    api<{ first: OnCall | null; second: OnCall | null }>("GET", "/oncall/now")
      .then(setNow)
      .catch(() => setNow(null));
  }, []);
  // A live delta about one of my pages (or a new page to me) refreshes the list.
  const last = useStore(live.lastMessage);
  useEffect(() => {
    if (
      last &&
      (last.incident.assigneeId === p.me.id || mine?.some((i) => i.id === last.incident.id))
    )
      void loadMine();
  }, [last]);
  const sorted = useMemo(
    () => [...(mine ?? [])].sort((a, b) => (a.openedAt < b.openedAt ? 1 : -1)),
    [mine, tick],
  );

  const ack = async (id: string) => {
    await api("POST", `/incidents/${id}/acknowledge`, {}).catch(setError);
    await loadMine();
  };
  const post = async (e: Event) => {
    e.preventDefault();
    if (!draft.trim()) return;
    await api("POST", "/oncall/handover-notes", { note: draft.trim() }).catch(setError);
    setDraft("");
    await loadNotes();
  };
  const who = (o: OnCall | null) => (o ? `${o.displayName}${o.overridden ? " *" : ""}` : "—");

  return (
    <div class="oncall" data-testid="oncall">
      <Status error={error} />
      <section>
        <h2>{t("onCallNow")}</h2>
        <p>
          {t("first_line")}: <strong>{who(now?.first ?? null)}</strong> / {t("second_line")}:{" "}
          <strong>{who(now?.second ?? null)}</strong>
        </p>
      </section>
      <section>
        <h2>{t("myPages")}</h2>
        {mine === null ? (
          <Status loading />
        ) : sorted.length === 0 ? (
          <p class="muted">{t("nothing")}</p>
        ) : (
          <ul class="cards">
            {sorted.map((i) => (
              <li key={i.id} class={`card sev-border-${i.severity}`}>
                <a href={href.incident(i.id)}>
                  {ruleLabel(t, i.ruleName)} — {i.componentName ?? "—"}
                </a>{" "}
                <span class="muted">{formatAge(i.openedAt, Date.now(), t)}</span>{" "}
                <span class={`state-${i.state}`}>{tryKey(t, i.state)}</span>{" "}
                {i.state === "open" && (
                  <button type="button" onClick={() => void ack(i.id)}>
                    {t("acknowledge")}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section>
        <h2>{t("handover")}</h2>
        <form onSubmit={(e) => void post(e)}>
          <textarea
            value={draft}
            onInput={(e) => setDraft(e.currentTarget.value)}
            rows={3}
            aria-label={t("handover")}
          />
          <button type="submit">{t("post")}</button>
        </form>
        <ul class="notes">
          {notes.map((n) => (
            <li key={n.id}>
              <time>{formatTime(n.createdAt, lang)}</time> {n.note}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
