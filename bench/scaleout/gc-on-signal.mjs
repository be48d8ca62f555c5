// Preloaded into collector processes by the scale-out benches (NODE_OPTIONS="--expose-gc
// --import=…/gc-on-signal.mjs"): on SIGUSR2 the process collects garbage and writes its
// process.memoryUsage() as JSON to BENCH_MEM_FILE, so the bench reads RSS after a full GC.
import { writeFileSync } from "node:fs";
import process from "node:process";

const file = process.env.BENCH_MEM_FILE;
if (file && typeof globalThis.gc === "function") {
  process.on("SIGUSR2", () => {
    for (let i = 0; i < 3; i++) globalThis.gc();
    writeFileSync(file, JSON.stringify({ at: Date.now(), ...process.memoryUsage() }));
  });
}
