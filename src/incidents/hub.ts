// The in-process publication of incident changes to their named listeners (outbox writer,
// realtime fan-out, metrics), registered in the composition root (other processes hear of
// them from change_log, decision 0020).
// Business code records changes and never calls a mailer or a socket; `incidentTx` publishes
// what a use case recorded: in the transaction, then after commit.
import type { Logger } from "pino";
import type { Tx } from "../db/unit-of-work.js";
import type { IncidentChange, IncidentListener } from "./events.js";

export class IncidentHub {
  private readonly listeners: IncidentListener[] = [];
  constructor(private readonly log?: Logger) {}

  addListener(listener: IncidentListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** The registered listeners' names, in publication order. */
  get listenerNames(): string[] {
    return this.listeners.map((l) => l.name);
  }

  /** Inside the changes' transaction, in recording order: a throw rolls them back. */
  async inTransaction(tx: Tx, changes: readonly IncidentChange[]): Promise<void> {
    for (const change of changes) {
      for (const l of this.listeners) await l.inTransaction?.(tx, change);
    }
  }

  /** After commit: a listener's failure is logged, never undoes the change. */
  afterCommit(changes: readonly IncidentChange[]): void {
    for (const change of changes) {
      for (const l of this.listeners) {
        try {
          l.afterCommit?.(change);
        } catch (err) {
          this.log?.error(
            { err, kind: change.kind, listener: l.name },
            "incident listener failed after commit",
          );
        }
      }
    }
  }
}
