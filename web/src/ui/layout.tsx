// The frame of every page: navigation by role, language switch, large type for a wall
// screen (remembered on this browser), live connection state, log out.
import type { ComponentChildren } from "preact";
import { language, setLanguage, useT } from "../i18n.js";
import { live } from "../live-incidents.js";
import { href } from "../router.js";
import { logout, type Me } from "../session.js";
import { createStore, useStore } from "../store.js";

export const largeType = createStore(localStorage.getItem("largeType") === "1");
largeType.subscribe((on) => {
  document.documentElement.classList.toggle("large", on);
  localStorage.setItem("largeType", on ? "1" : "0");
});
document.documentElement.classList.toggle("large", largeType.get());

export function Layout(p: { me: Me; children: ComponentChildren }) {
  const t = useT();
  const lang = useStore(language);
  const large = useStore(largeType);
  const connected = useStore(live.connected);
  const staff = p.me.role !== "customer";
  return (
    <div class="app">
      <header class="top">
        <strong class="brand">{t("appTitle")}</strong>
        <nav aria-label={t("navigation")}>
          {staff && p.me.role !== "oncall" && <a href={href.board()}>{t("board")}</a>}
          {staff && <a href={href.oncall()}>{t("oncall")}</a>}
          {staff && p.me.role === "oncall" && <a href={href.board()}>{t("board")}</a>}
          {!staff && <a href={href.portal()}>{t("portal")}</a>}
        </nav>
        <span class={`conn ${connected ? "on" : "off"}`} data-testid="connection">
          {connected ? t("connected") : t("disconnected")}
        </span>
        <span class="spacer" />
        <label>
          {t("language")}{" "}
          <select
            value={lang}
            data-testid="language"
            onChange={(e) => setLanguage((e.currentTarget.value as "ja" | "en") ?? "ja", true)}
          >
            <option value="ja">{t("langJa")}</option>
            <option value="en">{t("langEn")}</option>
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={large}
            onChange={(e) => largeType.set(e.currentTarget.checked)}
          />{" "}
          {t("largeType")}
        </label>
        <span class="who">{p.me.displayName}</span>
        <button type="button" onClick={() => void logout()}>
          {t("logout")}
        </button>
      </header>
      <main>{p.children}</main>
    </div>
  );
}

/** Loading / error / not-found states every panel shares. */
export function Status(p: { error?: unknown; loading?: boolean }) {
  const t = useT();
  if (p.loading) return <p class="muted">{t("loading")}</p>;
  if (!p.error) return null;
  const status = (p.error as { status?: number }).status;
  return (
    <p class="error" role="alert" data-testid="error">
      {status === 404 ? t("notFound") : status === 403 ? t("unavailable") : t("error")}
    </p>
  );
}
