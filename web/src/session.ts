// Who is logged in. `me` is null before login; the session itself is the httpOnly cookie.
import { api, ApiError, setUnauthorizedHandler } from "./api.js";
import { applyUserLanguage } from "./i18n.js";
import { createStore } from "./store.js";

export type Role = "admin" | "noc" | "oncall" | "customer";
export interface Me {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  contractId: string | null;
  language: string;
}

export const session = createStore<{ me: Me | null; checked: boolean }>({
  me: null,
  checked: false,
});

setUnauthorizedHandler(() => session.set({ me: null, checked: true }));

export async function loadSession(): Promise<void> {
  try {
    const me = await api<Me & { mustChangePassword?: boolean }>("GET", "/auth/me");
    if (me.mustChangePassword) {
      // A one-time-password session left open (page reloaded before the change): log in
      // again, and the login page asks for the new password.
      await logout();
      return;
    }
    applyUserLanguage(me.language);
    session.set({ me, checked: true });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    session.set({ me: null, checked: true });
  }
}

/**
 * Logs in. With a one-time password the session may only change it: the user is not set
 * yet and "must_change" is returned, so the login page asks for a new password first.
 */
export async function login(email: string, password: string): Promise<"ok" | "must_change"> {
  const res = await api<{ user: Me; mustChangePassword: boolean }>("POST", "/auth/login", {
    email,
    password,
  });
  applyUserLanguage(res.user.language);
  if (res.mustChangePassword) return "must_change";
  session.set({ me: res.user, checked: true });
  return "ok";
}

/** Replaces the one-time password, then enters the application. */
export async function changeOneTimePassword(current: string, next: string): Promise<void> {
  await api("POST", "/auth/password", { currentPassword: current, newPassword: next });
  await loadSession();
}

export async function logout(): Promise<void> {
  await api("POST", "/auth/logout").catch(() => undefined);
  session.set({ me: null, checked: true });
}

export const isStaff = (me: Me) => me.role !== "customer";
export const homeOf = (me: Me) =>
  me.role === "customer" ? "#/portal" : me.role === "oncall" ? "#/oncall" : "#/board";
