// The in-process fan-out of incident changes to their listeners (outbox, realtime, …).
// Business code publishes here; it never calls a mailer or a socket directly.
import type { EntityManager } from "typeorm";
import type { Logger } from "pino";
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

  /** Inside the change's transaction: a throw rolls the change back. */
  async inTransaction(m: EntityManager, change: IncidentChange): Promise<void> {
    for (const l of this.listeners) await l.inTransaction?.(m, change);
  }

  /** After commit: a listener's failure is logged, never undoes the change. */
  afterCommit(changes: readonly IncidentChange[]): void {
    for (const change of changes) {
      for (const l of this.listeners) {
        try {
          l.afterCommit?.(change);
        } catch (err) {
          this.log?.error({ err, kind: change.kind }, "incident listener failed after commit");
        }
      }
    }
  }
}
