// The messages one socket may send. Each is zod-validated and re-checks the session (it may
// have expired since the handshake); a refusal is an `error` event (and a failed ack), never
// a dropped socket or a crashed process.
import type { Logger } from "pino";
import type { Socket } from "socket.io";
import { scopeOf, type Actor } from "../access/actor.js";
import type { Clock } from "../infra/clock.js";
import { AppError } from "../shared/errors.js";
import { parseMessage, type ClientMessageName, type ErrorEvent } from "./messages.js";
import type { RealtimeStore } from "./realtime.store.js";
import { resync } from "./resync.js";
import { assertMayJoin } from "./rooms.js";
import type { SeriesStreams } from "./series-streams.js";
import { authenticateSecret } from "./socket-auth.js";

export interface SocketData {
  actor: Actor;
  secret: string;
}

export interface HandlerDeps {
  store: RealtimeStore;
  clock: Clock;
  log: Logger;
  streams: SeriesStreams;
}

type Ack = (reply: unknown) => void;

export function registerHandlers(deps: HandlerDeps, socket: Socket): void {
  const { store, streams } = deps;
  on(deps, socket, "join", async (msg, actor) => {
    assertMayJoin(actor, msg.room);
    await socket.join(msg.room);
    return { room: msg.room };
  });
  on(deps, socket, "resync", (msg, actor) => resync(store, scopeOf(actor), msg.since));
  on(deps, socket, "subscribe:series", async (msg, actor) => {
    await store.componentContract(scopeOf(actor), msg.componentId); // NOT_FOUND across tenants
    streams.subscribe(socket, msg);
    return { subscriptions: streams.count(socket.id) };
  });
  on(deps, socket, "unsubscribe:series", (msg) => {
    const removed = streams.unsubscribe(socket, msg);
    return Promise.resolve({ removed, subscriptions: streams.count(socket.id) });
  });
  socket.on("disconnect", () => streams.drop(socket.id));
}

function on<N extends ClientMessageName>(
  deps: HandlerDeps,
  socket: Socket,
  name: N,
  run: (msg: ReturnType<typeof parseMessage<N>>, actor: Actor) => Promise<object>,
): void {
  const event: string = name; // a plain name: the generic one defeats socket.io's typings
  socket.on(event, (...args: unknown[]) => {
    const ack = typeof args.at(-1) === "function" ? (args.pop() as Ack) : undefined;
    void (async () => {
      const msg = parseMessage(name, args[0]);
      const actor = await recheckSession(deps, socket);
      return run(msg, actor);
    })().then(
      (reply) => ack?.({ ok: true, ...reply }),
      (err: unknown) => {
        const error = errorEvent(deps.log, name, err);
        socket.emit("error", error);
        ack?.({ ok: false, error });
        if (error.code === "UNAUTHORIZED") socket.disconnect(true);
      },
    );
  });
}

/** The handshake's credentials, checked again now (sessions expire, keys get revoked). */
export async function recheckSession(
  deps: { store: RealtimeStore; clock: Clock },
  socket: Socket,
): Promise<Actor> {
  const data = socket.data as SocketData;
  data.actor = await authenticateSecret(deps, data.secret);
  return data.actor;
}

export function errorEvent(log: Logger, event: string, err: unknown): ErrorEvent {
  if (err instanceof AppError)
    return { event, code: err.code, message: err.message, issues: err.issues };
  log.error({ err, event }, "realtime handler failed");
  return { event, code: "INTERNAL", message: "internal error", issues: [] };
}
