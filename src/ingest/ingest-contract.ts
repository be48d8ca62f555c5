// The interfaces the rest of the platform wires to the ingest path: who is pushing
// (IngestContext), what a push returns (IngestResult), the per-sample hook (the forwarder),
// and how the rule engine attaches (RulesAttachment, decision 0022).
import type { CapOutcome } from "./caps.js";
import type { RejectReason } from "./errors.js";
import type { Labels, Series } from "./series-store.js";

/** Called once per accepted sample, in the ingest pass (the rule engine implements it). */
export interface SampleHook {
  onSample(componentId: string, series: Series, labels: Labels, tsMs: number, value: number): void;
  /** A push begins, received at `nowMs` (the platform's clock): its samples arrived then. */
  beginPush?(nowMs: number): void;
}

/** Which series the rules in force read: they take cap slots first (ingest-core `admitSlot`). */
export interface SeriesPriority {
  needs(componentId: string, contractId: string | undefined, labels: Labels): boolean;
}

/**
 * The rule engine's place in the pipeline (implemented by `RuleEngine`): it sees every stored
 * sample, ranks cap slots at a full component, and after a restart learns when each series
 * of the rebuilt window last had a sample (its absence timers start from there).
 */
export interface RulesAttachment extends SampleHook, SeriesPriority {
  adoptSeries(series: Series, lastTsMs: number): void;
}

export interface ComponentTarget {
  componentId: string;
  cap: number;
}

/** Who is pushing: one component (agent token) or a contract whose series name their component. */
export type IngestContext =
  | { kind: "component"; componentId: string; cap: number; contractId?: string }
  | {
      kind: "contract";
      contractId: string;
      /** The label naming the component (per contract); the pipeline's default when unset. */
      instanceLabel?: string;
      /** Its active components: the token's rate budget is this many components' (issue 11). */
      componentCount?: number;
      /** Registered, non-terminated component for an `instance` value (JSON: the batch's host). */
      resolveComponent: (instance: string) => ComponentTarget | undefined;
    };

export interface IngestResult {
  acceptedSamples: number;
  /** Only reasons that occurred. */
  rejectedSamples: Partial<Record<RejectReason, number>>;
  /** New series refused because a component was at its cap. */
  rejectedSeries: number;
  /** The cap of the (first) component that refused series. */
  cap?: number;
  /** Per component that refused series (a contract push can span several). */
  capRejections?: CapOutcome[];
}

export const NOOP_HOOK: SampleHook = { onSample() {} };

/** One hook calling several (e.g. the rule engine and the forwarder), in order. */
export function combineHooks(...hooks: SampleHook[]): SampleHook {
  if (hooks.length === 1) return hooks[0]!;
  return {
    onSample(componentId, series, labels, tsMs, value) {
      for (const h of hooks) h.onSample(componentId, series, labels, tsMs, value);
    },
    beginPush(nowMs) {
      for (const h of hooks) h.beginPush?.(nowMs);
    },
  };
}

/**
 * A hook that throws must not fail the push (nor, from a request handler, the process): the
 * sample is stored already; the error is handed to `onError` (logged and counted there).
 */
export function guardHook(hook: SampleHook, onError: (err: unknown) => void): SampleHook {
  if (hook === NOOP_HOOK) return hook;
  return {
    onSample(componentId, series, labels, tsMs, value) {
      try {
        hook.onSample(componentId, series, labels, tsMs, value);
      } catch (err) {
        onError(err);
      }
    },
    beginPush(nowMs) {
      try {
        hook.beginPush?.(nowMs);
      } catch (err) {
        onError(err);
      }
    },
  };
}
