// ingest.remote_write: samples/s on one core for Prometheus remote_write bodies (snappy +
// protobuf) of 100 components x 100 node_exporter-like series, pushed repeatedly under a
// contract token (component resolved from `instance`), caps and the rule engine (default pack) active.
// For reference it also times snappyjs + protobufjs merely decoding the same bodies.
// Run: node --import tsx bench/ingest/remote-write.bench.ts
import { IngestPipeline, type IngestContext } from "../../src/ingest/ingest-pipeline.js";
import { WriteRequestType } from "../../src/ingest/test-helpers.js";
import { uncompress } from "snappyjs";
import { isMain, remoteWritePushes } from "./fixtures.js";
import {
  print,
  benchRuleEngine,
  throughputLine,
  timeRun,
  type BenchLine,
  type RunTiming,
} from "./harness.js";

export interface RemoteWriteBenchOptions {
  runs?: number;
  pushesPerRun?: number;
  components?: number;
}

const T0 = 1_767_225_600_000;

export function main(opts: RemoteWriteBenchOptions = {}): Promise<BenchLine[]> {
  const runs = opts.runs ?? 5;
  const pushesPerRun = opts.pushesPerRun ?? 30;
  const components = opts.components ?? 100;
  const { specs, targets, nextBody } = remoteWritePushes(components, T0);

  const hook = benchRuleEngine();
  const pipeline = new IngestPipeline({ rules: hook });
  const ctx: IngestContext = {
    kind: "contract",
    contractId: "bench",
    resolveComponent: (i) => targets.get(i),
  };
  let bodyBytes = 0;
  const ingest = (bodies: Array<{ body: Uint8Array; now: number }>) => {
    for (const b of bodies) {
      const r = pipeline.ingestRemoteWrite(ctx, b.body, b.now);
      if (r.acceptedSamples !== specs.length)
        throw new Error(`unexpected result ${JSON.stringify(r)}`);
    }
  };
  const batch = (n: number) => Array.from({ length: n }, nextBody);
  ingest(batch(10)); // creates the series and warms up the JIT
  const timings: RunTiming[] = [];
  const reference: RunTiming[] = [];
  const used: Array<Array<{ body: Uint8Array }>> = [];
  for (let r = 0; r < runs; r++) {
    const bodies = batch(pushesPerRun);
    bodyBytes = bodies.reduce((a, b) => a + b.body.length, 0) / bodies.length;
    timings.push(timeRun(() => ingest(bodies)));
    used.push(bodies);
  }
  // Reference, after ours (its garbage would otherwise be collected in our runs): the same
  // bodies through snappyjs + protobufjs, decoding only.
  for (const bodies of used) {
    reference.push(
      timeRun(() => bodies.forEach((b) => WriteRequestType.decode(uncompress(b.body)))),
    );
  }
  const ours = throughputLine("ingest.remote_write", pushesPerRun * specs.length, timings);
  const ref = throughputLine("ref", pushesPerRun * specs.length, reference);
  return Promise.resolve([
    {
      ...ours,
      payload: `${components} components x 100 series x 1 sample per push`,
      compressedBytesPerPush: Math.round(bodyBytes),
      series: pipeline.core.store.size,
      protobufjsDecodeOnly: ref.value,
      ratioVsProtobufjsDecodeOnly: Math.round((ours.value / ref.value) * 100) / 100,
    },
  ]);
}

if (isMain(import.meta.url)) print(await main());
