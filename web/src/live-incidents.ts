// The client's copy of the active incidents, fed by the board snapshot and by socket.io
// deltas. Deltas carry a version (the change feed); after a reconnect the client asks for
// everything since its last version (`resync`), so no update is lost. Subscribers are told
// at most every THROTTLE_MS, so 500 changes a second still render a few frames, not 500.
import { io, type Socket } from "socket.io-client";
import { createStore } from "./store.js";

export interface Incident {
  id: string;
  contractId: string;
  componentId: string | null;
  componentName: string | null;
  state: string;
  severity: string;
  tier: string | null;
  overage: boolean;
  suppressed: boolean;
  runbookMissing: boolean;
  openedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  escalationLevel: number;
  assigneeId: string | null;
  repeatCount: number;
  /** Grouped incidents (an alert storm): members failing now and ever joined. */
  memberCount?: number;
  membersTotal?: number;
  /** contract: most of the contract's components silent ("contract unreachable"). */
  scope?: string;
  ruleName: string;
  value: number | null;
  threshold: number | null;
}

export interface IncidentMessage {
  version: string;
  kind: string;
  incident: Incident;
  event: { id: string; at: string; kind: string; actorName: string; note: string | null };
}

interface ResyncReply {
  ok: boolean;
  version?: string;
  truncated?: boolean;
  incidents?: { version: string; incident: Incident }[];
}

const THROTTLE_MS = 250;

export class LiveIncidents {
  readonly byId = new Map<string, Incident>();
  /** Incidents first seen live (not in the snapshot): the board flags them as new. */
  readonly fresh = new Map<string, number>();
  readonly tick = createStore(0);
  readonly connected = createStore(false);
  readonly lastMessage = createStore<IncidentMessage | null>(null);
  private version = 0n;
  private socket: Socket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Called when a resync is truncated: the owner reloads its snapshot over REST. */
  onReloadNeeded: () => void = () => undefined;

  /** Replaces the state with a REST snapshot taken at `version`. */
  load(items: Incident[], version: string): void {
    this.byId.clear();
    for (const i of items) this.byId.set(i.id, i);
    this.version = BigInt(version);
    this.changed();
  }

  connect(): void {
    if (this.socket) return;
    const socket = io({ path: "/socket.io", withCredentials: true });
    this.socket = socket;
    socket.on("connect", () => {
      this.connected.set(true);
      this.resync();
    });
    socket.on("disconnect", () => this.connected.set(false));
    socket.on("incident", (msg: IncidentMessage) => this.apply(msg));
  }

  disconnect(): void {
    this.socket?.disconnect();
    this.socket = null;
    this.connected.set(false);
  }

  get rawSocket(): Socket | null {
    return this.socket;
  }

  apply(msg: IncidentMessage): void {
    const v = BigInt(msg.version);
    if (v > this.version) this.version = v;
    this.upsert(msg.incident);
    this.lastMessage.set(msg);
    this.changed();
  }

  private upsert(i: Incident): void {
    if (!this.byId.has(i.id) && i.state !== "resolved") this.fresh.set(i.id, Date.now());
    // Resolved incidents leave the live list; the incident page still reads them over REST.
    if (i.state === "resolved") this.byId.delete(i.id);
    else this.byId.set(i.id, i);
  }

  private resync(): void {
    // Without a snapshot there is nothing to resume; pages that need one load it first.
    if (this.version === 0n) return;
    this.socket?.emit("resync", { since: this.version.toString() }, (reply: ResyncReply) => {
      if (!reply.ok) return;
      if (reply.truncated) return this.onReloadNeeded();
      for (const r of reply.incidents ?? []) this.upsert(r.incident);
      if (reply.version && BigInt(reply.version) > this.version)
        this.version = BigInt(reply.version);
      this.changed();
    });
  }

  private changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.tick.set(this.tick.get() + 1);
    }, THROTTLE_MS);
  }
}

/** One live feed per page load, shared by every screen. */
export const live = new LiveIncidents();
