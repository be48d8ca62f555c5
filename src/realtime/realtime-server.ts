// The realtime role: socket.io on the platform's HTTP server at /socket.io. A consumer of
// domain events (the incident hub, cap_reached): business code never calls it.
import type { Server as HttpServer } from "node:http";
import type { Logger } from "pino";
import { Server, type Socket } from "socket.io";
import type { IncidentHub } from "../incidents/hub.js";
import type { CapReachedEvent } from "../ingest/caps.js";
import type { Clock } from "../infra/clock.js";
import type { SecurityEvents } from "../infra/security-events.js";
import { AppError } from "../shared/errors.js";
import { customerDelta, incidentEvent } from "./delta.js";
import { contractRoom, NOC_ROOM, type ComponentEvent, type IncidentEvent } from "./messages.js";
import type { RealtimeStore } from "./realtime.store.js";
import { initialRooms } from "./rooms.js";
import { SeriesStreams, type SeriesSource, type SeriesStreamOptions } from "./series-streams.js";
import { authenticateSecret, secretOf } from "./socket-auth.js";
import { errorEvent, registerHandlers, type SocketData } from "./socket-handlers.js";

export interface RealtimeDeps {
  store: RealtimeStore;
  clock: Clock;
  log: Logger;
  hub: IncidentHub;
  /** The collector's in-memory store, when this process runs the collector role. */
  series: () => SeriesSource | undefined;
  /** Revocations: the sockets of revoked credentials are closed at once. */
  security?: SecurityEvents;
}

export interface RealtimeOptions {
  series?: Partial<SeriesStreamOptions>;
  /** Idle sockets re-check their session this often (messages re-check it every time). */
  sessionCheckMs?: number;
}

export interface Realtime {
  io: Server;
  streams: SeriesStreams;
  /** Tells NOC and the component's customer that it hit its series cap. */
  capReached: (e: CapReachedEvent) => Promise<void>;
  /** Emits an incident event to its rooms (another process's change, from the feed). */
  publish: (e: IncidentEvent) => void;
  /** Re-checks every socket's session now (revocations may have been missed: a feed reset). */
  recheckSessions: () => Promise<void>;
  /** Disconnects every socket; the HTTP server itself is closed by its owner. */
  stop: () => Promise<void>;
}

export function startRealtime(
  server: HttpServer,
  deps: RealtimeDeps,
  opts: RealtimeOptions = {},
): Realtime {
  const { store, clock, log, hub } = deps;
  const io = new Server(server, {
    path: "/socket.io",
    serveClient: false,
    maxHttpBufferSize: 64 * 1024, // client messages are a few hundred bytes
  });
  const streams = new SeriesStreams(deps.series, () => clock.now().getTime(), opts.series);
  streams.start();

  io.use((socket, next) => {
    const handshake = { auth: socket.handshake.auth, headers: socket.handshake.headers };
    void (async () => {
      const secret = secretOf(handshake);
      const data = socket.data as SocketData;
      data.actor = await authenticateSecret({ store, clock }, secret);
      data.secret = secret;
    })().then(
      () => next(),
      (err: unknown) => {
        const e = errorEvent(log, "connect", err);
        next(Object.assign(new Error(e.message), { data: e }));
      },
    );
  });
  io.on("connection", (socket: Socket) => {
    void socket.join(initialRooms((socket.data as SocketData).actor));
    registerHandlers({ store, clock, log, streams }, socket);
  });

  const publish = (e: IncidentEvent) => {
    io.to(NOC_ROOM).emit("incident", e);
    // Internal entries never reach a customer room, nor the NOC's internal fields.
    if (e.event.customerVisible)
      io.to(contractRoom(e.incident.contractId)).emit("incident", {
        ...e,
        incident: customerDelta(e.incident),
      });
  };
  const removeListener = hub.addListener({
    name: "realtime fan-out",
    afterCommit: (change) => publish(incidentEvent(change)),
  });

  const unsubscribe =
    deps.security?.subscribe((e) => {
      if (e.kind === "credentials_revoked") closeRevoked(io, log, e.userId, e.credentialIds);
    }) ?? (() => undefined);

  let checking: Promise<void> | undefined;
  const recheckSessions = () =>
    (checking ??= expireSessions(io, { store, clock, log }).finally(() => (checking = undefined)));
  const sessionTimer = setInterval(() => void recheckSessions(), opts.sessionCheckMs ?? 60_000);
  sessionTimer.unref();

  return {
    io,
    streams,
    publish,
    recheckSessions,
    capReached: (e) =>
      publishCapReached(store, io, e).catch((err: unknown) => {
        log.warn({ err, componentId: e.componentId }, "cap_reached not published");
      }),
    stop: () => {
      removeListener();
      unsubscribe();
      streams.stop();
      clearInterval(sessionTimer);
      io.disconnectSockets(true);
      io.engine.close();
      return Promise.resolve();
    },
  };
}

async function publishCapReached(
  store: RealtimeStore,
  io: Server,
  e: CapReachedEvent,
): Promise<void> {
  const contractId = await store.contractOfComponent(e.componentId);
  if (contractId === null) return;
  const event: ComponentEvent = {
    kind: "cap_reached",
    componentId: e.componentId,
    contractId,
    at: new Date(e.atMs).toISOString(),
    cap: e.cap,
    activeSeries: e.activeSeries,
  };
  io.to([NOC_ROOM, contractRoom(contractId)]).emit("component", event);
}

/** Closes now every socket opened with one of the user's revoked credentials. */
export function closeRevoked(
  io: Server,
  log: Logger,
  userId: string,
  credentialIds: readonly string[] | "all",
): number {
  const err = new AppError("UNAUTHORIZED", "credentials revoked");
  let closed = 0;
  for (const socket of io.of("/").sockets.values()) {
    const { actor } = socket.data as SocketData;
    if (actor?.userId !== userId) continue;
    if (credentialIds !== "all" && !credentialIds.includes(actor.credentialId)) continue;
    socket.emit("error", errorEvent(log, "session", err));
    socket.disconnect(true);
    closed++;
  }
  return closed;
}

/**
 * Disconnects sockets whose credential expired or was revoked (the backstop for revocations
 * made by another process). One query per distinct
 * credential, one at a time, so hundreds of sockets do not burst the connection pool.
 */
export async function expireSessions(
  io: Server,
  deps: { store: RealtimeStore; clock: Clock; log: Logger },
): Promise<void> {
  const bySecret = new Map<string, Socket[]>();
  for (const socket of io.of("/").sockets.values()) {
    const { secret } = socket.data as SocketData;
    bySecret.set(secret, [...(bySecret.get(secret) ?? []), socket]);
  }
  for (const [secret, sockets] of bySecret) {
    try {
      await authenticateSecret(deps, secret);
    } catch (err) {
      if (!(err instanceof AppError)) {
        deps.log.warn({ err }, "realtime session re-check failed");
        continue;
      }
      for (const socket of sockets) {
        socket.emit("error", errorEvent(deps.log, "session", err));
        socket.disconnect(true);
      }
    }
  }
}
