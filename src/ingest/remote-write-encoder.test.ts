import { describe, expect, it } from "vitest";
import { WriteRequestEncoder } from "./remote-write-encoder.js";
import { decodeWriteRequest } from "./test-helpers.js";

describe(WriteRequestEncoder.name, () => {
  it("encodes the same bytes with the label cache, push after push", () => {
    const labels = { __name__: "up", job: "node" };
    const plain = new WriteRequestEncoder().encode([{ labels, samples: [0] }], [1000], [1]);
    const cached = new WriteRequestEncoder({ cacheLabels: true });
    expect(cached.encode([{ labels, samples: [0] }], [1000], [1])).toEqual(plain);
    expect(cached.encode([{ labels, samples: [0] }], [1000], [1])).toEqual(plain);
    expect(
      decodeWriteRequest(cached.encode([{ labels, samples: [0] }], [2000], [5])).timeseries[0]!
        .samples,
    ).toEqual([{ timestamp: 2000, value: 5 }]);
  });

  it("produces what protobufjs decodes to the same series and samples", () => {
    const ts = [1_767_225_600_000, 1_767_225_610_000, -5, 0];
    const values = [1.5, NaN, -0, 1e300];
    const bytes = new WriteRequestEncoder().encode(
      [
        {
          labels: { __name__: "node_load1", instance: "vm-1:9100", ラベル: "値" },
          samples: [0, 1],
        },
        { labels: { __name__: "x" }, samples: [2, 3] },
      ],
      ts,
      values,
    );
    const m = decodeWriteRequest(bytes);
    expect(m.timeseries.map((t) => t.labels.map((l) => [l.name, l.value]))).toEqual([
      [
        ["__name__", "node_load1"],
        ["instance", "vm-1:9100"],
        ["ラベル", "値"],
      ],
      [["__name__", "x"]],
    ]);
    expect(m.timeseries.map((t) => t.samples.map((s) => [s.timestamp, s.value]))).toEqual([
      [
        [1_767_225_600_000, 1.5],
        [1_767_225_610_000, NaN],
      ],
      [
        [-5, -0],
        [0, 1e300],
      ],
    ]);
  });
});
