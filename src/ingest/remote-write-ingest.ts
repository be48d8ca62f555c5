// remote_write series resolution. Fast path (a series pushed before): confirm the series that
// followed the previous one last time, or else hash the raw label bytes and look the hash up;
// either way the candidate is confirmed by comparing raw bytes, and no string is decoded.
// Slow path (new series, or labels not seen in this byte form): decode, validate,
// canonicalise, find or create the series, and remember its raw bytes and raw hash.
import { REASON_INDEX as R, type RejectReason } from "./errors.js";
import type { IngestContext } from "./ingest-contract.js";
import type { IngestCore } from "./ingest-core.js";
import type { RequestTally } from "./request-tally.js";
import { canonicalLabels, decodeString, ownLabel } from "./labels.js";
import { hashBytes } from "./raw-label-store.js";
import type { DecodedWriteRequest } from "./remote-write-decoder.js";
import type { ComponentState, Series } from "./series-store.js";

export function ingestDecoded(
  core: IngestCore,
  ctx: IngestContext,
  d: DecodedWriteRequest,
  nowMs: number,
  tally: RequestTally,
): void {
  const comp =
    ctx.kind === "component" ? core.component(ctx.componentId, ctx.cap, ctx.contractId) : undefined;
  const contractId = ctx.kind === "contract" ? ctx.contractId : undefined;
  const seed = comp !== undefined ? comp.seed : core.contractSeed(contractId!);
  const { view, buf } = d;
  const { index: idx, store, raw } = core;
  let prev: Series | undefined;
  for (let i = 0; i < d.series; i++) {
    const s0 = d.sampleStart[i]!;
    const s1 = d.sampleEnd[i]!;
    if (s0 === s1) continue;
    const rs = d.regionStart[i]!;
    const re = d.regionEnd[i]!;
    let s: Series | undefined;
    let h = 0;
    if (rs >= 0) {
      if (prev !== undefined) {
        const c = store.byHandle(raw.successor[prev.id]! - 1);
        if (c !== undefined && inScope(c, comp, contractId) && raw.equals(c.id, buf, view, rs, re))
          s = c;
      }
      if (s === undefined) {
        h = hashBytes(view, rs, re, seed);
        for (
          let slot = idx.start(h), hd = idx.handleAt(slot);
          hd !== -1;
          slot = idx.next(slot), hd = idx.handleAt(slot)
        ) {
          if (idx.hashAt(slot) !== h) continue;
          const c = store.byHandle(hd);
          if (
            c !== undefined &&
            inScope(c, comp, contractId) &&
            raw.equals(c.id, buf, view, rs, re)
          ) {
            s = c;
            break;
          }
        }
      }
    }
    if (s === undefined) {
      s = slowPath(core, ctx, comp, d, i, h, nowMs, tally);
      if (s === undefined) continue;
    } else if (!core.admitKnown(s, nowMs, tally)) {
      tally.reject(R.cap_exceeded, s1 - s0);
      continue;
    }
    if (prev !== undefined) raw.successor[prev.id] = store.handleOf(s) + 1;
    prev = s;
    const ts = d.ts;
    const vs = d.values;
    for (let j = s0; j < s1; j++) core.acceptSample(s, ts[j]!, vs[j]!, tally);
  }
}

function inScope(
  c: Series,
  comp: ComponentState | undefined,
  contractId: string | undefined,
): boolean {
  return comp !== undefined
    ? c.component === comp
    : c.component.contractId === contractId && !c.component.removed;
}

function slowPath(
  core: IngestCore,
  ctx: IngestContext,
  comp: ComponentState | undefined,
  d: DecodedWriteRequest,
  i: number,
  rawHash: number,
  nowMs: number,
  tally: RequestTally,
): Series | undefined {
  const samples = d.sampleEnd[i]! - d.sampleStart[i]!;
  const reject = (reason: RejectReason): undefined => void tally.reject(R[reason], samples);
  const names: string[] = [];
  const values: string[] = [];
  for (let l = d.labelStart[i]! * 4; l < d.labelEnd[i]! * 4; l += 4) {
    const name = decodeString(d.buf, d.spans[l]!, d.spans[l + 1]!);
    const value = decodeString(d.buf, d.spans[l + 2]!, d.spans[l + 3]!);
    if (name === null || value === null) return reject("bad_series");
    names.push(name);
    values.push(value);
  }
  const labels = canonicalLabels(names, values, core.opts.labelLimits, core.interner);
  if (typeof labels === "string") return reject(labels);
  if (ctx.kind === "contract") {
    const instance = ownLabel(labels, ctx.instanceLabel ?? core.opts.instanceLabel);
    const target = instance === undefined ? undefined : ctx.resolveComponent(instance);
    if (target === undefined) return reject("unknown_component");
    comp = core.component(target.componentId, target.cap, ctx.contractId);
  }
  const c = comp!;
  let s = core.findCanonical(c, labels);
  if (s !== undefined) {
    if (!core.admitKnown(s, nowMs, tally)) return reject("cap_exceeded");
  } else {
    s = core.createSeries(c, labels, nowMs, tally);
    if (s === undefined) return reject("cap_exceeded");
  }
  // Remember this byte form for the fast path (one form per series: the first one seen).
  const rs = d.regionStart[i]!;
  const re = d.regionEnd[i]!;
  if (rs >= 0) {
    if (!core.raw.has(s.id)) core.raw.put(s.id, d.buf, rs, re);
    if (core.raw.equals(s.id, d.buf, d.view, rs, re)) core.alias(rawHash, s);
  }
  return s;
}
