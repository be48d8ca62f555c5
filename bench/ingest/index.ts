// The ingest benches by their DESIGN.md names, for bench/run.ts. Each main() resolves to the
// JSON lines it measured (it does not print them).
import type { BenchLine } from "./harness.js";
import { main as bytesPerSeries } from "./bytes-per-series.bench.js";
import { main as capacity } from "./capacity.bench.js";
import { main as json } from "./json.bench.js";
import { main as remoteWrite } from "./remote-write.bench.js";
import { main as vsPrometheus } from "./remote-write-vs-prometheus.bench.js";

export type { BenchLine } from "./harness.js";

export const ingestBenches: Record<string, () => Promise<BenchLine[]>> = {
  "ingest.remote_write": () => remoteWrite(),
  "ingest.remote_write.vs_prometheus": () => vsPrometheus(),
  "ingest.json": () => json(),
  "ingest.bytes_per_series": () => bytesPerSeries(),
  "ingest.capacity": () => capacity(),
};
