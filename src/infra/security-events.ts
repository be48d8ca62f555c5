// Security events: what other parts of the process must act on at once when access is taken
// away. Publishers (accounts, contracts) say what changed after their transaction committed;
// consumers (the realtime server, the collector's token cache) act on it, in this process.
// Other processes on PostgreSQL hear of the same changes through the change feed (decision
// 0020): a revoked credential, agent token, contract or component writes a `change_log`
// row in its own transaction (triggers), so no writer (route, job, CLI) can forget to tell,
// and a process whose listener reconnected catches up exactly.
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

  /** Tells every listener in this process now (a throwing listener does not stop the others). */
  publish(e: SecurityEvent): void {
    this.deliver(e);
  }

  /** Tells this process's listeners (also what the change feed brought from another process). */
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

/** A `credentials_revoked` change read back from the change feed, or undefined when malformed. */
export function revokedCredentialOf(
  v: unknown,
): { userId: string; credentialId: string } | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const { userId, credentialId } = v as Record<string, unknown>;
  if (typeof userId !== "string" || typeof credentialId !== "string") return undefined;
  return { userId, credentialId };
}
