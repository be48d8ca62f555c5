import { REJECT_REASONS, type RejectReason } from "./errors.js";
import type { IngestResult } from "./ingest-contract.js";
import type { ComponentState } from "./series-store.js";

/** Counters of one request, reused (no allocation per sample). */
export class RequestTally {
  accepted = 0;
  readonly rejected = new Int32Array(REJECT_REASONS.length);
  rejectedSeries = 0;
  readonly capped = new Map<ComponentState, number>();
  /** Components with at least one accepted sample, once each. */
  seen: string[] = [];

  reset(): void {
    this.seen = [];
    this.accepted = 0;
    this.rejected.fill(0);
    this.rejectedSeries = 0;
    this.capped.clear();
  }

  reject(reason: number, samples: number): void {
    this.rejected[reason] = this.rejected[reason]! + samples;
  }

  result(): IngestResult {
    const rejectedSamples: Partial<Record<RejectReason, number>> = {};
    REJECT_REASONS.forEach((r, i) => {
      if (this.rejected[i]! > 0) rejectedSamples[r] = this.rejected[i]!;
    });
    const res: IngestResult = {
      acceptedSamples: this.accepted,
      rejectedSamples,
      rejectedSeries: this.rejectedSeries,
    };
    if (this.capped.size > 0) {
      res.capRejections = [...this.capped].map(([c, n]) => ({
        componentId: c.id,
        rejectedSeries: n,
        cap: c.cap,
      }));
      res.cap = res.capRejections[0]!.cap;
    }
    return res;
  }
}
