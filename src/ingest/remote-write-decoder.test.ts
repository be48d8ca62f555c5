import { describe, expect, it } from "vitest";
import { IngestError } from "./errors.js";
import { RemoteWriteDecoder, type DecodedWriteRequest } from "./remote-write-decoder.js";
import { encodeWriteRequest } from "./test-helpers.js";

const text = (d: DecodedWriteRequest, a: number, b: number) =>
  Buffer.from(d.buf.subarray(a, b)).toString("utf8");

function labelsOf(d: DecodedWriteRequest, i: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let l = d.labelStart[i]!; l < d.labelEnd[i]!; l++) {
    const k = l * 4;
    out.push([text(d, d.spans[k]!, d.spans[k + 1]!), text(d, d.spans[k + 2]!, d.spans[k + 3]!)]);
  }
  return out;
}

function samplesOf(d: DecodedWriteRequest, i: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let j = d.sampleStart[i]!; j < d.sampleEnd[i]!; j++) out.push([d.ts[j]!, d.values[j]!]);
  return out;
}

// Minimal protobuf writer for hand-made (including malformed) messages.
const varint = (n: number | bigint): number[] => {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? b | 0x80 : b);
  } while (v > 0n);
  return out;
};
const tag = (field: number, wt: number) => varint((field << 3) | wt);
const len = (field: number, body: number[]) => [...tag(field, 2), ...varint(body.length), ...body];
const str = (field: number, s: string) => len(field, [...Buffer.from(s)]);
const f64 = (v: number) => [...new Uint8Array(new Float64Array([v]).buffer)];

const reasonOf = (bytes: number[] | Uint8Array): string => {
  try {
    new RemoteWriteDecoder().decode(Uint8Array.from(bytes));
  } catch (e) {
    return e instanceof IngestError ? e.reason : `other: ${String(e)}`;
  }
  return "no error";
};

describe(RemoteWriteDecoder.name, () => {
  it("decodes a protobufjs-encoded request: labels, samples, NaN, -0, negative timestamps", () => {
    const bytes = encodeWriteRequest([
      {
        labels: { __name__: "node_load1", instance: "vm-1:9100", job: "node" },
        samples: [
          [1_700_000_000_000, 0.42],
          [1_700_000_010_000, NaN],
        ],
      },
      {
        labels: { __name__: "x", é: "ü" },
        samples: [
          [-5, -0],
          [2 ** 52, Infinity],
        ],
      },
    ]);
    const d = new RemoteWriteDecoder().decode(bytes);
    expect(d.series).toBe(2);
    expect(labelsOf(d, 0)).toEqual([
      ["__name__", "node_load1"],
      ["instance", "vm-1:9100"],
      ["job", "node"],
    ]);
    expect(samplesOf(d, 0)).toEqual([
      [1_700_000_000_000, 0.42],
      [1_700_000_010_000, NaN],
    ]);
    expect(labelsOf(d, 1)).toEqual([
      ["__name__", "x"],
      ["é", "ü"],
    ]);
    const s1 = samplesOf(d, 1);
    expect(s1[0]![0]).toBe(-5);
    expect(Object.is(s1[0]![1], -0)).toBe(true);
    expect(s1[1]).toEqual([2 ** 52, Infinity]);
  });

  it("skips metadata, exemplars and unknown fields of every wire type", () => {
    const bytes = encodeWriteRequest(
      [
        {
          labels: { __name__: "up" },
          samples: [[1000, 1]],
          exemplars: [{ labels: [{ name: "trace_id", value: "abc" }], value: 3, timestamp: 900 }],
        },
      ],
      { metadata: [{ type: 1, metricFamilyName: "up", help: "Up.", unit: "" }] },
    );
    const unknown = [
      ...tag(9, 0),
      ...varint(300),
      ...tag(10, 1),
      ...f64(1),
      ...str(11, "zz"),
      ...tag(12, 5),
      1,
      2,
      3,
      4,
    ];
    const label = [...str(1, "job"), ...tag(7, 0), 5, ...str(2, "node")];
    const sample = [
      ...tag(3, 5),
      0,
      0,
      0,
      0,
      ...tag(2, 0),
      ...varint(2000),
      ...tag(1, 1),
      ...f64(2.5),
    ];
    const second = len(1, [
      ...len(1, [...str(1, "__name__"), ...str(2, "b")]),
      ...len(1, label),
      ...unknown,
      ...len(2, sample),
    ]);
    const d = new RemoteWriteDecoder().decode(Uint8Array.from([...bytes, ...unknown, ...second]));
    expect(d.series).toBe(2);
    expect(labelsOf(d, 0)).toEqual([["__name__", "up"]]);
    expect(samplesOf(d, 0)).toEqual([[1000, 1]]);
    expect(labelsOf(d, 1)).toEqual([
      ["__name__", "b"],
      ["job", "node"],
    ]);
    expect(samplesOf(d, 1)).toEqual([[2000, 2.5]]);
  });

  it("treats missing fields as proto3 defaults (value 0 omitted by Go encoders)", () => {
    const d = new RemoteWriteDecoder().decode(
      Uint8Array.from(
        len(1, [...len(1, str(1, "__name__")), ...len(2, [...tag(2, 0), ...varint(7)])]),
      ),
    );
    expect(labelsOf(d, 0)).toEqual([["__name__", ""]]);
    expect(samplesOf(d, 0)).toEqual([[7, 0]]);
  });

  const good = [
    ...encodeWriteRequest([{ labels: { __name__: "up", job: "a" }, samples: [[1000, 1]] }]),
  ];
  it.each([
    ["a truncated message", good.slice(0, -3)],
    ["a truncated varint", [...tag(9, 0), 0xff, 0xff]],
    ["a varint longer than 10 bytes", [...tag(9, 0), ...Array(11).fill(0xff), 1]],
    ["a length beyond the buffer", [...tag(1, 2), 50, 1, 2]],
    ["a nested length beyond its parent", len(1, [...tag(1, 2), 40, 0])],
    ["timeseries with the wrong wire type", [...tag(1, 0), 1]],
    ["labels with the wrong wire type", len(1, [...tag(1, 0), 1])],
    // fixed64 wire type whose 8 bytes would otherwise parse as an empty label and label "a"
    [
      "labels with the fixed64 wire type",
      len(1, [...tag(1, 1), 0x00, 0x0a, 0x05, 0x0a, 0x01, 0x61, 0x12, 0x00]),
    ],
    ["Sample.value with the wrong wire type", len(1, len(2, [...tag(1, 0), 1]))],
    ["Sample.timestamp with the wrong wire type", len(1, len(2, [...tag(2, 1), ...f64(1)]))],
    ["a group wire type", [...tag(9, 3), ...tag(9, 4)]],
    ["field number 0", [0x00, 1]],
    ["a truncated fixed64 in a Sample", len(1, len(2, [...tag(1, 1), 1, 2, 3]))],
    ["a truncated fixed32", [...tag(9, 5), 1, 2]],
  ])("rejects %s as bad_protobuf", (_, bytes) => {
    expect(reasonOf(bytes)).toBe("bad_protobuf");
  });

  it("decodes a valid prefix of the malformed cases (the cases above are not vacuous)", () => {
    expect(reasonOf(good)).toBe("no error");
    expect(reasonOf([...tag(9, 0), 0xff, 0x01])).toBe("no error");
  });
});
