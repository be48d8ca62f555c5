// socket.io-client plumbing for the realtime tests: connect with a credential, wait for an
// event, collect events, and commit incident changes through the real incident engine.
import { randomUUID } from "node:crypto";
import { io, type Socket } from "socket.io-client";
import type { TestApp } from "../support/app.js";

export type ConnectError = Error & { data?: { code: string; message: string } };

export function connect(
  url: string,
  opts: { token?: string; cookie?: string; origin?: string } = {},
): Promise<Socket> {
  const socket = io(url, {
    path: "/socket.io",
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    ...(opts.token ? { auth: { token: opts.token } } : {}),
    extraHeaders: {
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
      ...(opts.origin ? { origin: opts.origin } : {}),
    },
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** The next `name` event that satisfies `pred`, or a timeout error. */
export function nextEvent<T = any>(
  socket: Socket,
  name: string,
  pred: (payload: T) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(name, handler);
      reject(new Error(`no ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (payload: T) => {
      if (!pred(payload)) return;
      clearTimeout(timer);
      socket.off(name, handler);
      resolve(payload);
    };
    socket.on(name, handler);
  });
}

export function collect<T = any>(socket: Socket, name: string): T[] {
  const out: T[] = [];
  socket.on(name, (payload: T) => out.push(payload));
  return out;
}

/** Fires a threshold alert on a component through the incident engine and waits for the commit. */
export async function fireAlert(
  app: TestApp,
  target: { contractId: string; componentId: string },
  ruleName = "cpu high",
): Promise<string> {
  const ruleId = randomUUID();
  app.platform.incidents.fire({
    ...target,
    ruleId,
    labelsKey: "",
    ruleName,
    ruleKind: "threshold",
    severity: "critical",
    metric: "cpu_usage",
    labels: {},
    value: 97,
    threshold: 90,
    atMs: app.clock.now().getTime(),
  });
  await app.platform.incidents.whenIdle();
  const rows = await app.platform.db.dataSource.query<{ id: string }[]>(
    `SELECT id FROM incidents WHERE rule_id = $1`,
    [ruleId],
  );
  if (rows.length !== 1) throw new Error(`alert ${ruleName} opened ${rows.length} incidents`);
  return rows[0]!.id;
}

/** Resolves once `items` (filled by collect) holds one that satisfies `pred`. */
export async function waitFor<T>(
  items: readonly T[],
  pred: (item: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = items.find(pred);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`not received within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A positive marker before asserting that something did NOT arrive: one round trip of a no-op
 * message on `socket`. The server emits in order on a socket, so once the reply is here every
 * event emitted to this socket before the server handled the marker has arrived too. (Incident
 * changes are emitted synchronously after commit, so wait for the commit first.) Throws if
 * the reply does not come within the deadline.
 */
export async function drained(socket: Socket, timeoutMs = 5_000): Promise<void> {
  const reply = await socket
    .timeout(timeoutMs)
    .emitWithAck("unsubscribe:series", { componentId: randomUUID() });
  if (reply?.ok !== true) throw new Error(`marker refused: ${JSON.stringify(reply)}`);
}
