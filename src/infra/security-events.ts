// Security events: what other parts of the process must act on at once when access is taken
// away. Publishers (accounts, contracts) say what changed after their transaction committed;
// consumers (the realtime server, the collector's token cache) act on it. They are
// delivered in-process, and on PostgreSQL also to every other process through
// LISTEN/NOTIFY (security-bridge.ts; ADR 0011).
import { EventEmitter } from "node:events";

export type SecurityEvent =
  /** A user's credentials stopped being valid: all of them, or the listed ones. */
  | { kind: "credentials_revoked"; userId: string; credentialIds: string[] | "all" }
  /** Agent tokens, components or the status of a contract changed: cached ingest access is stale. */
  | { kind: "ingest_access_changed"; contractId: string | null };

export type SecurityListener = (e: SecurityEvent) => void;

export class SecurityEvents {
  private readonly emitter = new EventEmitter();

  constructor(private readonly onListenerError?: (err: unknown, e: SecurityEvent) => void) {
    this.emitter.setMaxListeners(50);
  }

  private forward: ((e: SecurityEvent) => void) | undefined;

  /**
   * Tells every listener in this process now (a throwing listener does not stop the
   * others), and other processes through the bridge when one is attached.
   */
  publish(e: SecurityEvent): void {
    this.deliver(e);
    this.forward?.(e);
  }

  /** Attaches the carrier to other processes (see security-bridge.ts). */
  forwardTo(forward: ((e: SecurityEvent) => void) | undefined): void {
    this.forward = forward;
  }

  /** Tells this process's listeners only (an event that came from another process). */
  deliver(e: SecurityEvent): void {
    for (const l of this.emitter.listeners("event") as SecurityListener[]) {
      try {
        l(e);
      } catch (err) {
        this.onListenerError?.(err, e);
      }
    }
  }

  /** Returns the function that removes the listener. */
  subscribe(listener: SecurityListener): () => void {
    this.emitter.on("event", listener);
    return () => void this.emitter.off("event", listener);
  }
}
