// Preloaded into collector processes by the scale-out benches (NODE_OPTIONS="--expose-gc
// --import=…/gc-on-signal.mjs"): on SIGUSR2 the process collects garbage and writes its
// process.memoryUsage() as JSON to BENCH_MEM_FILE, so the bench reads RSS after a full GC.
// With BENCH_HEAP_SNAPSHOT_DIR set it also writes a V8 heap snapshot there each time (for
// finding what a series costs: diff two snapshots by constructor; slow, off by default).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { getHeapSpaceStatistics, writeHeapSnapshot } from "node:v8";

const file = process.env.BENCH_MEM_FILE;
const snapshots = process.env.BENCH_HEAP_SNAPSHOT_DIR;
let taken = 0;
if (file && typeof globalThis.gc === "function") {
  process.on("SIGUSR2", () => {
    for (let i = 0; i < 3; i++) globalThis.gc();
    if (snapshots) writeHeapSnapshot(join(snapshots, `collector-${++taken}.heapsnapshot`));
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics().map((s) => [s.space_name, s.physical_space_size]),
    );
    writeFileSync(file, JSON.stringify({ at: Date.now(), ...process.memoryUsage(), spaces }));
  });
}
