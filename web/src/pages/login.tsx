import { useState } from "preact/hooks";
import { language, setLanguage, useT } from "../i18n.js";
import { login } from "../session.js";
import { useStore } from "../store.js";

export function LoginPage() {
  const t = useT();
  const lang = useStore(language);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setFailed(false);
    try {
      await login(email, password);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form onSubmit={(e) => void submit(e)} aria-label={t("login")}>
        <h1>{t("appTitle")}</h1>
        <label>
          {t("email")}
          <input
            name="email"
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label>
          {t("password")}
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {failed && (
          <p class="error" role="alert">
            {t("loginFailed")}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t("login")}
        </button>
        <p>
          <button
            type="button"
            class="link"
            onClick={() => setLanguage(lang === "ja" ? "en" : "ja", true)}
          >
            {lang === "ja" ? t("langEn") : t("langJa")}
          </button>
        </p>
      </form>
    </main>
  );
}
