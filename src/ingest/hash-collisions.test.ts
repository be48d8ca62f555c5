// Every hash collides here (both the raw-bytes hash and the canonical label hash are
// constants), so the pipeline can only tell series apart by comparing their labels.
import { describe, expect, it, vi } from "vitest";
import { IngestPipeline, type IngestContext } from "./ingest-pipeline.js";
import { encodeWriteRequest, snappy } from "./test-helpers.js";

vi.mock("./raw-label-store.js", async (orig) => ({
  ...(await orig<typeof import("./raw-label-store.js")>()),
  hashBytes: () => 42,
}));
vi.mock("./label-hash.js", async (orig) => {
  const m = await orig<typeof import("./label-hash.js")>();
  return { ...m, seriesHash: () => 7, labelsHash: () => 7 };
});

const NOW = 1_767_225_600_000;
const ctx: IngestContext = { kind: "component", componentId: "vm-1", cap: 200 };

describe("series identity under hash collisions", () => {
  it("keeps series apart that differ by one byte, across remote_write and JSON", () => {
    const p = new IngestPipeline();
    const names = ["ab", "ac", "ba", "a"];
    for (let k = 0; k < 3; k++) {
      const body = snappy(
        encodeWriteRequest(
          names.map((v, i) => ({
            labels: { __name__: "m", x: v },
            samples: [[NOW + k * 1000, i]],
          })),
        ),
      );
      expect(p.ingestRemoteWrite(ctx, body, NOW + k * 1000).acceptedSamples).toBe(4);
      const batch = {
        version: 1,
        agent: {},
        os: "linux",
        host: "h",
        series: names.map((v, i) => ({
          name: "m",
          labels: { x: v },
          samples: [[NOW + k * 1000 + 1, i]],
        })),
      };
      expect(p.ingestJsonBatch(ctx, batch, NOW + k * 1000).acceptedSamples).toBe(4);
    }
    const series = p.listSeries("vm-1");
    expect(series.map((s) => s.labels.x)).toEqual(names);
    for (const [i, s] of series.entries()) {
      const pts = p.read(s, 0, Infinity);
      expect([...pts.values.subarray(0, pts.length)]).toEqual([i, i, i, i, i, i]);
    }
  });
});
