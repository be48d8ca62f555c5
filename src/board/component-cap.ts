// A component's series cap usage: live active series from the collector's memory when this
// process runs it, stored series and the last time the cap was reached.
import type { ContractScope } from "../access/actor.js";
import { capFor, DEFAULT_CAP_POLICY } from "../ingest/caps.js";
import type { IngestPipeline } from "../ingest/ingest-pipeline.js";
import type { BoardStore } from "./board.store.js";

export async function componentCap(
  deps: { board: BoardStore; pipeline: () => IngestPipeline | undefined },
  scope: ContractScope,
  id: string,
) {
  const c = await deps.board.component(scope, id);
  const usage = await deps.board.capUsage(c.id);
  const pipeline = deps.pipeline();
  const live = pipeline?.activeSeries(c.id);
  return {
    componentId: c.id,
    cap: live?.cap ?? capFor(c.capRelaxations),
    capRelaxations: c.capRelaxations,
    seriesPerStep: DEFAULT_CAP_POLICY.seriesPerStep,
    activeSeries: pipeline ? (live?.active ?? 0) : null,
    storedSeries: usage.storedSeries,
    lastSeenAt: c.lastSeenAt?.toISOString() ?? null,
    lastCapReachedAt: usage.lastCapReachedAt?.toISOString() ?? null,
  };
}
