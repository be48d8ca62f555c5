// A small client of the platform's own REST API: the demo creates everything the way an
// operator or a script would, so it also shows the API working end to end.

export class DemoApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method.toUpperCase()} ${path} → ${status}: ${JSON.stringify(body)}`);
    this.name = "DemoApiError";
  }
}

export class DemoApi {
  constructor(
    readonly baseUrl: string,
    private token: string | null = null,
  ) {}

  static async login(baseUrl: string, email: string, password: string): Promise<DemoApi> {
    const api = new DemoApi(baseUrl);
    const res = await api.call<{ token: string }>("post", "/auth/login", { email, password });
    api.token = res.token;
    return api;
  }

  /** Calls /api/v1{path}; any status but 2xx throws DemoApiError with the error body. */
  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method: method.toUpperCase(),
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (!res.ok) throw new DemoApiError(method, path, res.status, parsed);
    return parsed as T;
  }
}
