// JSON over the platform's REST API. The session cookie (set at login, httpOnly) is the
// credential: the UI never holds a bearer token in script-readable storage.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let onUnauthorized: () => void = () => undefined;
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const parsed: unknown = text ? safeJson(text) : null;
  if (!res.ok) {
    const err = (parsed ?? {}) as { code?: string; message?: string };
    if (res.status === 401 && !path.startsWith("/auth/login")) onUnauthorized();
    throw new ApiError(res.status, err.code ?? "HTTP", err.message ?? res.statusText);
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// A screen's first request can start before the session check answers (both are sent at
// once), saving a round trip on the screen that must render fastest.
const prefetched = new Map<string, Promise<unknown>>();
export function prefetch(path: string): void {
  const p = api("GET", path);
  p.catch(() => undefined); // consumed (or ignored) later
  prefetched.set(path, p);
}
export function getOnce<T>(path: string): Promise<T> {
  const p = prefetched.get(path);
  prefetched.delete(path);
  // A prefetch that failed (e.g. sent before logging in) is simply made again.
  return p ? (p as Promise<T>).catch(() => api<T>("GET", path)) : api<T>("GET", path);
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
