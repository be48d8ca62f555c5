import { useState } from "preact/hooks";
import { language, setLanguage, useT } from "../i18n.js";
import { ApiError } from "../api.js";
import { changeOneTimePassword, login } from "../session.js";
import { useStore } from "../store.js";

export function LoginPage() {
  const t = useT();
  const lang = useStore(language);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [failed, setFailed] = useState<"" | "loginFailed" | "loginThrottled">("");
  const [busy, setBusy] = useState(false);
  const [mustChange, setMustChange] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setFailed("");
    try {
      if ((await login(email, password)) === "must_change") setMustChange(true);
    } catch (err) {
      setFailed(err instanceof ApiError && err.status === 429 ? "loginThrottled" : "loginFailed");
    } finally {
      setBusy(false);
    }
  };
  if (mustChange) return <ChangePassword current={password} />;
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
            {t(failed)}
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

/** After logging in with a one-time password: the only thing the session may do. */
function ChangePassword({ current }: { current: string }) {
  const t = useT();
  const [next, setNext] = useState("");
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setFailed(false);
    try {
      await changeOneTimePassword(current, next);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form onSubmit={(e) => void submit(e)} aria-label={t("changePassword")}>
        <h1>{t("appTitle")}</h1>
        <p>{t("mustChangePassword")}</p>
        <label>
          {t("newPassword")}
          <input
            name="newPassword"
            type="password"
            autocomplete="new-password"
            required
            minLength={12}
            value={next}
            onInput={(e) => setNext(e.currentTarget.value)}
          />
        </label>
        {failed && (
          <p class="error" role="alert">
            {t("passwordChangeFailed")}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t("changePassword")}
        </button>
      </form>
    </main>
  );
}
