// Native JSON batches from the bundled agent (agents/src/points.js, schema version 1). zod
// checks the outer shape; series and samples are checked by hand because a zod pass per
// sample would cost more than the rest of the ingest. Labels are hashed order-free from the
// parsed strings, so a known series is found without sorting or building a key string.
import { z } from "zod";
import { IngestError, REASON_INDEX as R, type RejectReason } from "./errors.js";
import type { IngestContext } from "./ingest-contract.js";
import type { IngestCore } from "./ingest-core.js";
import type { RequestTally } from "./request-tally.js";
import { canonicalLabels } from "./labels.js";
import { pairHash, seriesHash } from "./label-hash.js";
import type { ComponentState, Labels, Series } from "./series-store.js";

export const AgentBatch = z.object({
  version: z.literal(1),
  agent: z.looseObject({
    name: z.string().max(128).optional(),
    version: z.string().max(64).optional(),
  }),
  os: z.enum(["linux", "windows"]),
  host: z.string().min(1).max(253),
  series: z.array(z.unknown()).max(100_000),
});
export type AgentBatch = z.infer<typeof AgentBatch>;

/** Parses (if given text) and checks the outer shape; throws IngestError("bad_json"). */
export function parseAgentBatch(body: unknown): AgentBatch {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch (e) {
      throw new IngestError("bad_json", `body is not JSON: ${(e as Error).message}`);
    }
  }
  const r = AgentBatch.safeParse(value);
  if (!r.success) {
    const where = r.error.issues
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw new IngestError("bad_json", `invalid agent batch: ${where}`);
  }
  return r.data;
}

interface RawSeries {
  name?: unknown;
  labels?: unknown;
  samples?: unknown;
}

export function ingestAgentBatch(
  core: IngestCore,
  ctx: IngestContext,
  batch: AgentBatch,
  nowMs: number,
  tally: RequestTally,
): void {
  let comp: ComponentState;
  if (ctx.kind === "component") comp = core.component(ctx.componentId, ctx.cap, ctx.contractId);
  else {
    // A contract token names the component by the batch's host.
    const target = ctx.resolveComponent(batch.host);
    if (target === undefined) {
      for (const e of batch.series) tally.reject(R.unknown_component, sampleCount(e));
      return;
    }
    comp = core.component(target.componentId, target.cap, ctx.contractId);
  }
  let prev: Series | undefined;
  for (const e of batch.series as RawSeries[]) {
    const obj: RawSeries | undefined = e !== null && typeof e === "object" ? e : undefined;
    const name = obj?.name;
    const samples = obj?.samples;
    const labels = obj?.labels ?? {};
    if (
      typeof name !== "string" ||
      !Array.isArray(samples) ||
      typeof labels !== "object" ||
      labels === null ||
      Array.isArray(labels)
    ) {
      tally.reject(R.bad_series, sampleCount(e));
      continue;
    }
    const s = resolve(
      core,
      comp,
      prev,
      name,
      labels as Record<string, unknown>,
      samples.length,
      nowMs,
      tally,
    );
    if (s === undefined) continue;
    if (prev !== undefined) core.raw.successor[prev.id] = core.store.handleOf(s) + 1;
    prev = s;
    acceptSamples(core, s, samples, tally);
  }
}

// Agents repeat their order, so the series that followed `prev` last time is tried first
// (one comparison); otherwise the order-free hash of the labels is looked up.
function resolve(
  core: IngestCore,
  comp: ComponentState,
  prev: Series | undefined,
  name: string,
  labels: Record<string, unknown>,
  samples: number,
  nowMs: number,
  tally: RequestTally,
): Series | undefined {
  let n = 1;
  for (const k in labels) {
    if (typeof labels[k] !== "string") return void tally.reject(R.bad_series, samples);
    if (k === "__name__") return void tally.reject(R.duplicate_label, samples); // the name is `name`
    n++;
  }
  const strings = labels as Record<string, string>;
  if (prev !== undefined) {
    const s = core.store.byHandle(core.raw.successor[prev.id]! - 1);
    if (
      s !== undefined &&
      s.component === comp &&
      core.store.labelCount(s) === n &&
      matches(s.labels, name, strings)
    ) {
      return core.admitKnown(s, nowMs, tally) ? s : void tally.reject(R.cap_exceeded, samples);
    }
  }
  let sum = pairHash("__name__", name);
  for (const k in strings) sum = (sum + pairHash(k, strings[k]!)) | 0;
  const h = seriesHash(sum, n, comp.seed);
  const idx = core.index;
  for (
    let slot = idx.start(h), hd = idx.handleAt(slot);
    hd !== -1;
    slot = idx.next(slot), hd = idx.handleAt(slot)
  ) {
    if (idx.hashAt(slot) !== h) continue;
    const s = core.store.byHandle(hd);
    if (
      s !== undefined &&
      s.component === comp &&
      core.store.labelCount(s) === n &&
      matches(s.labels, name, labels as Record<string, string>)
    ) {
      if (core.admitKnown(s, nowMs, tally)) return s;
      return void tally.reject(R.cap_exceeded, samples);
    }
  }
  return slowPath(core, comp, name, labels as Record<string, string>, h, samples, nowMs, tally);
}

function slowPath(
  core: IngestCore,
  comp: ComponentState,
  name: string,
  labels: Record<string, string>,
  hash: number,
  samples: number,
  nowMs: number,
  tally: RequestTally,
): Series | undefined {
  const reject = (reason: RejectReason): undefined => void tally.reject(R[reason], samples);
  const names = ["__name__"];
  const values = [name];
  for (const k in labels) {
    names.push(k);
    values.push(labels[k]!);
  }
  const canonical = canonicalLabels(names, values, core.opts.labelLimits, core.interner);
  if (typeof canonical === "string") return reject(canonical);
  let s = core.findCanonical(comp, canonical);
  if (s !== undefined) {
    if (!core.admitKnown(s, nowMs, tally)) return reject("cap_exceeded");
  } else {
    s = core.createSeries(comp, canonical, nowMs, tally);
    if (s === undefined) return reject("cap_exceeded");
  }
  core.alias(hash, s);
  return s;
}

// Same count (checked by the caller), same name and every given label equal: same set.
function matches(stored: Labels, name: string, labels: Record<string, string>): boolean {
  if (stored.__name__ !== name) return false;
  for (const k in labels) if (stored[k] !== labels[k]) return false;
  return true;
}

function acceptSamples(core: IngestCore, s: Series, samples: unknown[], tally: RequestTally): void {
  for (let j = 0; j < samples.length; j++) {
    const p = samples[j];
    if (!Array.isArray(p) || p.length !== 2) {
      tally.reject(R.bad_value, 1);
      continue;
    }
    const ts: unknown = p[0];
    let v: unknown = p[1];
    if (typeof ts !== "number" || !Number.isInteger(ts)) {
      tally.reject(R.bad_timestamp, 1);
      continue;
    }
    if (typeof v !== "number") {
      v =
        v === "NaN"
          ? NaN
          : v === "+Inf" || v === "Inf"
            ? Infinity
            : v === "-Inf"
              ? -Infinity
              : undefined;
      if (v === undefined) {
        tally.reject(R.bad_value, 1);
        continue;
      }
    }
    core.acceptSample(s, ts, v as number, tally);
  }
}

function sampleCount(e: unknown): number {
  const samples = e !== null && typeof e === "object" ? (e as RawSeries).samples : undefined;
  return Array.isArray(samples) ? Math.max(1, samples.length) : 1;
}
