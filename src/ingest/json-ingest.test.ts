import { describe, expect, it } from "vitest";
import { IngestError } from "./errors.js";
import { IngestPipeline, type IngestContext } from "./ingest-pipeline.js";

const NOW = 1_767_225_600_000;
const ctx: IngestContext = { kind: "component", componentId: "vm-1", cap: 200 };
const batch = (series: unknown[]) => ({
  version: 1,
  agent: { name: "msp-agent", version: "1.0.0" },
  os: "linux",
  host: "vm-1",
  series,
});

describe("IngestPipeline.ingestJsonBatch", () => {
  it("ingests an agent batch given as text, with labels in any order", () => {
    const p = new IngestPipeline();
    const text = JSON.stringify(
      batch([
        {
          name: "node_cpu_seconds_total",
          labels: { mode: "idle", cpu: "0" },
          samples: [
            [NOW - 10_000, 12345.67],
            [NOW, 12355.17],
          ],
        },
        { name: "node_boot_time_seconds", labels: {}, samples: [[NOW, 1_767_000_000]] },
      ]),
    );
    expect(p.ingestJsonBatch(ctx, text, NOW)).toEqual({
      acceptedSamples: 3,
      rejectedSamples: {},
      rejectedSeries: 0,
    });
    const again = batch([
      {
        name: "node_cpu_seconds_total",
        labels: { cpu: "0", mode: "idle" },
        samples: [[NOW + 10_000, 12364.5]],
      },
    ]);
    expect(p.ingestJsonBatch(ctx, again, NOW + 10_000)).toMatchObject({ acceptedSamples: 1 });
    expect(p.listSeries("vm-1").map((s) => s.labels)).toEqual([
      { __name__: "node_cpu_seconds_total", cpu: "0", mode: "idle" },
      { __name__: "node_boot_time_seconds" },
    ]);
    const s = p.findSeries("vm-1", { mode: "idle", cpu: "0", __name__: "node_cpu_seconds_total" })!;
    expect([...p.read(s, 0, Infinity).values.subarray(0, 3)]).toEqual([
      12345.67, 12355.17, 12364.5,
    ]);
  });

  it("the same series pushed by remote_write and JSON is one series", async () => {
    const { encodeWriteRequest, snappy } = await import("./test-helpers.js");
    const p = new IngestPipeline();
    p.ingestJsonBatch(
      ctx,
      batch([{ name: "up", labels: { job: "node" }, samples: [[NOW - 1, 1]] }]),
      NOW,
    );
    p.ingestRemoteWrite(
      ctx,
      snappy(
        encodeWriteRequest([{ labels: { __name__: "up", job: "node" }, samples: [[NOW, 1]] }]),
      ),
      NOW,
    );
    expect(p.listSeries("vm-1")).toHaveLength(1);
  });

  it("rejects malformed series and samples by reason", () => {
    const p = new IngestPipeline();
    const r = p.ingestJsonBatch(
      ctx,
      batch([
        {
          name: "a",
          labels: {},
          samples: [
            [NOW, 1],
            [1.5e12 + 0.5, 1],
            ["x", 1],
            [NOW + 1],
            [NOW + 2, "NaN"],
            [NOW + 3, "+Inf"],
            [NOW + 4, "lots"],
            [NOW + 5, null],
          ],
        },
        { name: "b", labels: { n: 1 }, samples: [[NOW, 1]] },
        { name: "c", labels: { "bad-name": "x" }, samples: [[NOW, 1]] },
        { name: "d", labels: { __name__: "d" }, samples: [[NOW, 1]] },
        {
          labels: {},
          samples: [
            [NOW, 1],
            [NOW, 2],
          ],
        },
        "nonsense",
        { name: "e", labels: {}, samples: [[NaN, 1]] },
      ]),
      NOW,
    );
    expect(r).toEqual({
      acceptedSamples: 3,
      rejectedSamples: {
        bad_timestamp: 3,
        bad_value: 3,
        bad_series: 4,
        invalid_label_name: 1,
        duplicate_label: 1,
      },
      rejectedSeries: 0,
    });
  });

  it.each([
    ["not JSON", "{", "body is not JSON"],
    ["a wrong version", { ...batch([]), version: 2 }, "version"],
    ["a wrong os", { ...batch([]), os: "beos" }, "os"],
    ["no series array", { ...batch([]), series: {} }, "series"],
  ])("refuses %s as bad_json naming the field", (_, body, field) => {
    try {
      new IngestPipeline().ingestJsonBatch(ctx, body, NOW);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(IngestError);
      expect((e as IngestError).reason).toBe("bad_json");
      expect((e as IngestError).message).toContain(field);
    }
  });

  it("resolves the component from the host for a contract token", () => {
    const p = new IngestPipeline();
    const c: IngestContext = {
      kind: "contract",
      contractId: "k",
      resolveComponent: (h) => (h === "vm-1" ? { componentId: "c-9", cap: 5 } : undefined),
    };
    expect(
      p.ingestJsonBatch(c, batch([{ name: "up", labels: {}, samples: [[NOW, 1]] }]), NOW),
    ).toMatchObject({ acceptedSamples: 1 });
    expect(
      p.ingestJsonBatch(
        c,
        {
          ...batch([
            {
              name: "up",
              labels: {},
              samples: [
                [NOW, 1],
                [NOW + 1, 1],
              ],
            },
          ]),
          host: "vm-2",
        },
        NOW,
      ),
    ).toMatchObject({
      acceptedSamples: 0,
      rejectedSamples: { unknown_component: 2 },
    });
    expect(p.activeSeries("c-9")).toEqual({ active: 1, cap: 5 });
  });
});
