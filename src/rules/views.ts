// The rules API's shapes: what a client sends (zod-validated) and what it gets back.
import { z } from "zod";
import type { RuleEntity } from "../db/entities/index.js";
import { scopeOfRule } from "../domain/rules/resolve.js";
import { AGGREGATES, type Aggregate } from "../domain/rules/aggregate.js";
import { COUNTER_FNS, type CounterFn } from "../domain/rules/counter-window.js";
import {
  RULE_KINDS,
  RULE_OPS,
  SEVERITIES,
  type RuleKind,
  type RuleOp,
  type RuleSpec,
  type Severity,
} from "../domain/rules/rule.js";
import { Pagination, Uuid } from "../http/route.js";

const MetricName = z
  .string()
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, "not a Prometheus metric name")
  .max(256);
const LabelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "not a label name");
const Seconds = (max: number) => z.number().int().min(0).max(max);
const WEEK_S = 7 * 86_400;

const fields = {
  name: z.string().trim().min(1).max(200),
  packKey: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, "lower-case letters, digits and _")
    .max(64)
    .nullable(),
  enabled: z.boolean(),
  metric: MetricName.nullable(),
  divideBy: MetricName.nullable().describe("denominator: the rule compares metric / divideBy"),
  matchers: z.record(LabelName, z.string().max(2048)).describe("exact label matchers"),
  op: z.enum(RULE_OPS).nullable(),
  threshold: z.number().nullable(),
  forSeconds: Seconds(WEEK_S),
  recoveryThreshold: z.number().nullable().describe("clears only past this (default: threshold)"),
  recoveryForSeconds: Seconds(WEEK_S),
  absenceSeconds: z.number().int().min(1).max(WEEK_S).nullable(),
  severity: z.enum(SEVERITIES),
  counter: z
    .enum(COUNTER_FNS)
    .nullable()
    .describe("threshold on rate() (per second) or increase() of the counter over windowSeconds"),
  windowSeconds: z.number().int().min(1).max(86_400).nullable(),
  aggregate: z
    .enum(AGGREGATES)
    .nullable()
    .describe("combine the component's matching series into one value per aggregateBy group"),
  aggregateBy: z.array(LabelName).max(10).describe("labels that split the aggregate into groups"),
  complement: z.boolean().describe("compare 1 − value (e.g. CPU busy from the idle share)"),
};

export const NewRule = z.strictObject({
  kind: z.enum(RULE_KINDS),
  contractId: Uuid.nullable().default(null).describe("null with componentId null: global"),
  componentId: Uuid.nullable().default(null),
  name: fields.name,
  packKey: fields.packKey.default(null),
  enabled: fields.enabled.default(true),
  metric: fields.metric.default(null),
  divideBy: fields.divideBy.default(null),
  matchers: fields.matchers.default({}),
  op: fields.op.default(null),
  threshold: fields.threshold.default(null),
  forSeconds: fields.forSeconds.default(0),
  recoveryThreshold: fields.recoveryThreshold.default(null),
  recoveryForSeconds: fields.recoveryForSeconds.default(0),
  absenceSeconds: fields.absenceSeconds.default(null),
  severity: fields.severity.default("warning"),
  counter: fields.counter.default(null),
  windowSeconds: fields.windowSeconds.default(null),
  aggregate: fields.aggregate.default(null),
  aggregateBy: fields.aggregateBy.default([]),
  complement: fields.complement.default(false),
});
export type NewRule = z.infer<typeof NewRule>;

/** Scope and kind are fixed once created: make a new rule instead. */
export const RulePatch = z.strictObject(fields).partial();
export type RulePatch = z.infer<typeof RulePatch>;

export const RuleScope = z.enum(["global", "contract", "component"]);

export const RuleFilter = Pagination.extend({
  scope: RuleScope.optional(),
  contractId: Uuid.optional(),
  componentId: Uuid.optional(),
});

export const RuleView = z.object({
  id: Uuid,
  scope: RuleScope,
  kind: z.enum(RULE_KINDS),
  contractId: Uuid.nullable(),
  componentId: Uuid.nullable(),
  ...fields,
  op: z.string().nullable(),
  severity: z.string(),
  createdBy: Uuid.nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type RuleView = z.infer<typeof RuleView>;

export const EffectiveRules = z.object({
  contractId: Uuid,
  rules: z.array(RuleView).describe("in force for the contract's components unless overridden"),
  components: z.array(z.object({ componentId: Uuid, name: z.string(), rules: z.array(RuleView) })),
});
export type EffectiveRules = z.infer<typeof EffectiveRules>;

export function toRuleView(r: RuleEntity): RuleView {
  return {
    id: r.id,
    scope: scopeOfRule(r),
    kind: r.kind as RuleView["kind"],
    contractId: r.contractId,
    componentId: r.componentId,
    name: r.name,
    packKey: r.packKey,
    enabled: r.enabled,
    metric: r.metric,
    divideBy: r.divideBy,
    matchers: r.matchers ?? {},
    op: r.op,
    threshold: r.threshold,
    forSeconds: r.forSeconds,
    recoveryThreshold: r.recoveryThreshold,
    recoveryForSeconds: r.recoveryForSeconds,
    absenceSeconds: r.absenceSeconds,
    severity: r.severity,
    counter: r.counter as RuleView["counter"],
    windowSeconds: r.windowSeconds,
    aggregate: r.aggregate as RuleView["aggregate"],
    aggregateBy: r.aggregateBy ?? [],
    complement: r.complement ?? false,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** A stored rule as the engine reads it. */
export function toRuleSpec(r: RuleEntity): RuleSpec {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as RuleKind,
    contractId: r.contractId,
    componentId: r.componentId,
    packKey: r.packKey,
    enabled: r.enabled,
    metric: r.metric,
    divideBy: r.divideBy,
    matchers: r.matchers ?? {},
    op: r.op as RuleOp | null,
    threshold: r.threshold,
    forSeconds: r.forSeconds,
    recoveryThreshold: r.recoveryThreshold,
    recoveryForSeconds: r.recoveryForSeconds,
    absenceSeconds: r.absenceSeconds,
    severity: r.severity as Severity,
    counter: r.counter as CounterFn | null,
    windowSeconds: r.windowSeconds,
    aggregate: r.aggregate as Aggregate | null,
    aggregateBy: r.aggregateBy ?? [],
    complement: r.complement ?? false,
  };
}
