// socket.io clients in their own thread, so decoding 500 frames does not share the server's
// event loop (in production the clients are other machines). Reports, per incident version,
// when the last expected client received it; and any event a decoy client should not get.
import { parentPort, workerData } from "node:worker_threads";
import { io, type Socket } from "socket.io-client";

interface Input {
  url: string;
  /** Each entry is one client: its credential. */
  tokens: string[];
  /** Clients that must receive nothing (another contract's customers). */
  decoys: string[];
}
const input = workerData as Input;
const port = parentPort!;
const now = () => performance.timeOrigin + performance.now();

const seen = new Map<string, { count: number; first: number }>();
const sockets: Socket[] = [];

function open(token: string, onIncident: (e: { version: string }) => void): Promise<Socket> {
  const s = io(input.url, {
    path: "/socket.io",
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    auth: { token },
  });
  s.on("incident", onIncident);
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
}

function receive(e: { version: string }): void {
  const at = now();
  const entry = seen.get(e.version);
  if (!entry) {
    seen.set(e.version, { count: 1, first: at });
    if (input.tokens.length === 1)
      port.postMessage({ type: "all", version: e.version, first: at, last: at });
    return;
  }
  if (++entry.count === input.tokens.length) {
    port.postMessage({ type: "all", version: e.version, first: entry.first, last: at });
    seen.delete(e.version);
  }
}

const BATCH = 50;
for (let i = 0; i < input.tokens.length; i += BATCH)
  await Promise.all(input.tokens.slice(i, i + BATCH).map((t) => open(t, receive)));
await Promise.all(
  input.decoys.map((t) => open(t, (e) => port.postMessage({ type: "leak", version: e.version }))),
);
port.postMessage({ type: "ready", clients: sockets.length });
port.on("message", (m: { type: string }) => {
  if (m.type !== "close") return;
  sockets.forEach((s) => s.close());
  port.close();
});
