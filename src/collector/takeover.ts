// What a collector rebuilds when it takes contracts over (decision 0019), the way a restart
// does for all of them: the recent window from 1-minute rollups, last-seen times, the keys
// with an unresolved incident, and "watched from now" so no silence is counted for the time
// before, which this collector did not watch.
import type { IngestPipeline } from "../ingest/ingest-pipeline.js";
import type { RuleRunner } from "../rules/rule-runner.js";
import type { OwnershipStore } from "./ownership.store.js";

/** The window rebuilt from rollups, as at a collector's start. */
const WINDOW_MS = 3_600_000;

export function rebuildTakenContracts(deps: {
  store: OwnershipStore;
  pipeline: () => IngestPipeline | undefined;
  rules: RuleRunner | undefined;
}): (contractIds: readonly string[], atMs: number) => Promise<void> {
  return async (contractIds, atMs) => {
    const engine = deps.rules?.engine;
    engine?.watchedFrom(contractIds, atMs);
    const state = await deps.store.contractState(contractIds, atMs - WINDOW_MS);
    // Firing keys first, as at a start: the series adopted next bind to their slots.
    engine?.restore(state.lastSeen, state.firing);
    const pipeline = deps.pipeline();
    // The pipeline hands the rebuilt series of these components to the rules (0022).
    if (pipeline !== undefined && state.rollups.length > 0)
      pipeline.seedFromRollups(state.rollups, atMs);
  };
}
