// Test-only: an encoder independent of ours (protobufjs from the prompb .proto + snappyjs),
// so decoder tests do not just check that our code agrees with itself.
import protobuf from "protobufjs";
import { compress } from "snappyjs";

export const PROMPB = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
message MetricMetadata { int32 type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; repeated Exemplar exemplars = 3; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
message Exemplar { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
`;

const root = protobuf.parse(PROMPB).root;
export const WriteRequestType = root.lookupType("prometheus.WriteRequest");

export interface PbSeries {
  labels: Record<string, string> | Array<[string, string]>;
  samples: Array<[number, number]>;
  exemplars?: Array<{
    labels: Array<{ name: string; value: string }>;
    value: number;
    timestamp: number;
  }>;
}

/** Encodes with protobufjs; labels in the given order (Prometheus sends them sorted). */
export function encodeWriteRequest(
  series: PbSeries[],
  extra: Record<string, unknown> = {},
): Uint8Array {
  const msg = {
    timeseries: series.map((s) => ({
      labels: (Array.isArray(s.labels) ? s.labels : Object.entries(s.labels)).map(
        ([name, value]) => ({ name, value }),
      ),
      samples: s.samples.map(([timestamp, value]) => ({ timestamp, value })),
      exemplars: s.exemplars ?? [],
    })),
    ...extra,
  };
  return WriteRequestType.encode(WriteRequestType.fromObject(msg)).finish();
}

export function snappy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return compress(new Uint8Array(bytes));
}

/**
 * POSTs `series` to `${baseUrl}/api/v1/write` as a Prometheus remote_write sender does
 * (snappy protobuf, its headers), under a Bearer token; `headers` adds or overrides.
 */
export function postRemoteWrite(
  baseUrl: string,
  token: string,
  series: PbSeries[],
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/write`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/x-protobuf",
      "content-encoding": "snappy",
      "x-prometheus-remote-write-version": "0.1.0",
      ...headers,
    },
    body: snappy(encodeWriteRequest(series)),
  });
}

export function decodeWriteRequest(bytes: Uint8Array): {
  timeseries: Array<{
    labels: Array<{ name: string; value: string }>;
    samples: Array<{ value: number; timestamp: number }>;
  }>;
} {
  const m = WriteRequestType.decode(bytes);
  return WriteRequestType.toObject(m, { longs: Number, defaults: true }) as never;
}
