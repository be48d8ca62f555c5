// What a batch of alerts does to incidents (SPEC 4, decision 0014), decided without I/O.
// An alert key (component, rule, label set) is a *member* of at most one unresolved
// incident. A fire joins the key's own incident, reopens it (resolved within the reopen
// window), joins the contract's incident of the same rule (correlation: opened within the
// group window, or already a group), or opens a new one. A clear makes the member leave;
// the incident auto-resolves when its last member has left.

export interface AlertKeyRef {
  componentId: string;
  ruleId: string;
  labelsKey: string;
}

export const keyString = (k: AlertKeyRef): string => `${k.componentId}|${k.ruleId}|${k.labelsKey}`;
export const groupString = (contractId: string, ruleId: string): string =>
  `${contractId}|${ruleId}`;

/** One change of an alert key's condition, in arrival order. Repeats are coalesced. */
export type AlertOp =
  | { kind: "fire"; atMs: number; value: number | null; repeats: number }
  | { kind: "clear"; atMs: number };

export interface PendingAlert {
  key: AlertKeyRef;
  contractId: string;
  ops: readonly AlertOp[];
}

export interface IncidentSnapshot {
  id: string;
  contractId: string;
  ruleId: string;
  state: "open" | "acknowledged" | "resolved";
  resolution: string | null;
  resolvedAtMs: number | null;
  openedAtMs: number;
  /** Members whose condition holds now. */
  activeMembers: number;
  /** Distinct members ever joined. */
  membersTotal: number;
}

/** The latest incident a key was a member of, and whether it still is an active member. */
export interface Membership {
  incidentId: string;
  active: boolean;
}

export interface GroupPolicy {
  reopenWindowMs: number;
  /** A new key joins the contract's incident of the same rule opened at most this long ago. */
  groupWindowMs: number;
  /** From this many members an incident is a group: later keys join it while unresolved. */
  groupMinMembers: number;
}

export interface DecisionInput {
  pending: readonly PendingAlert[];
  incidents: ReadonlyMap<string, IncidentSnapshot>;
  membership: ReadonlyMap<string, Membership>;
  /** The latest unresolved incident per (contract, rule): the correlation candidate. */
  groups: ReadonlyMap<string, string>;
  /** Components that may raise incidents (active contract, the alert's contract). */
  monitored: (contractId: string, componentId: string) => boolean;
  policy: GroupPolicy;
  /** Id for an incident this decision opens (injected: the caller owns id generation). */
  newId: () => string;
}

export type Effect =
  | {
      kind: "open";
      incidentId: string;
      key: AlertKeyRef;
      contractId: string;
      atMs: number;
      value: number | null;
    }
  | { kind: "join"; incidentId: string; key: AlertKeyRef; atMs: number; value: number | null }
  | { kind: "rejoin"; incidentId: string; key: AlertKeyRef; atMs: number; value: number | null }
  | { kind: "reopen"; incidentId: string; key: AlertKeyRef; atMs: number; value: number | null }
  | {
      kind: "repeat";
      incidentId: string;
      key: AlertKeyRef;
      atMs: number;
      value: number | null;
      repeats: number;
    }
  | { kind: "leave"; incidentId: string; key: AlertKeyRef; atMs: number }
  | { kind: "resolve"; incidentId: string; key: AlertKeyRef; atMs: number };

/** Applies every pending op in order; later ops see the effects of earlier ones. */
export function decideAlerts(input: DecisionInput): Effect[] {
  const incidents = new Map<string, IncidentSnapshot>();
  for (const [id, s] of input.incidents) incidents.set(id, { ...s });
  const membership = new Map(input.membership);
  const groups = new Map(input.groups);
  const effects: Effect[] = [];

  const fire = (p: PendingAlert, op: Extract<AlertOp, { kind: "fire" }>) => {
    const k = keyString(p.key);
    const known = membership.get(k);
    const inc = known && incidents.get(known.incidentId);
    const base = { key: p.key, atMs: op.atMs, value: op.value };
    if (known?.active && inc && inc.state !== "resolved") {
      effects.push({
        kind: "repeat",
        incidentId: inc.id,
        ...base,
        repeats: Math.max(1, op.repeats),
      });
      return;
    }
    if (inc && inc.state !== "resolved") {
      // Left its incident earlier, which is still open for other members: back in.
      inc.activeMembers++;
      membership.set(k, { incidentId: inc.id, active: true });
      effects.push({ kind: "rejoin", incidentId: inc.id, ...base });
      return;
    }
    if (inc && reopens(inc, op.atMs, input.policy)) {
      Object.assign(inc, { state: "open", resolution: null, resolvedAtMs: null, activeMembers: 1 });
      membership.set(k, { incidentId: inc.id, active: true });
      groups.set(groupString(inc.contractId, inc.ruleId), inc.id);
      effects.push({ kind: "reopen", incidentId: inc.id, ...base });
      return;
    }
    if (!input.monitored(p.contractId, p.key.componentId)) return;
    const g = incidents.get(groups.get(groupString(p.contractId, p.key.ruleId)) ?? "");
    if (g && g.state !== "resolved" && joinsGroup(g, op.atMs, input.policy)) {
      g.activeMembers++;
      g.membersTotal++;
      membership.set(k, { incidentId: g.id, active: true });
      effects.push({ kind: "join", incidentId: g.id, ...base });
      return;
    }
    const id = input.newId();
    incidents.set(id, {
      id,
      contractId: p.contractId,
      ruleId: p.key.ruleId,
      state: "open",
      resolution: null,
      resolvedAtMs: null,
      openedAtMs: op.atMs,
      activeMembers: 1,
      membersTotal: 1,
    });
    membership.set(k, { incidentId: id, active: true });
    groups.set(groupString(p.contractId, p.key.ruleId), id);
    effects.push({ kind: "open", incidentId: id, contractId: p.contractId, ...base });
  };

  const clear = (p: PendingAlert, atMs: number) => {
    const k = keyString(p.key);
    const known = membership.get(k);
    const inc = known && incidents.get(known.incidentId);
    if (!known?.active || !inc || inc.state === "resolved") return;
    membership.set(k, { incidentId: inc.id, active: false });
    inc.activeMembers = Math.max(0, inc.activeMembers - 1);
    if (inc.activeMembers > 0) {
      effects.push({ kind: "leave", incidentId: inc.id, key: p.key, atMs });
      return;
    }
    Object.assign(inc, { state: "resolved", resolution: "auto", resolvedAtMs: atMs });
    effects.push({ kind: "resolve", incidentId: inc.id, key: p.key, atMs });
  };

  for (const p of input.pending) {
    for (const op of p.ops) {
      if (op.kind === "fire") fire(p, op);
      else clear(p, op.atMs);
    }
  }
  return effects;
}

/** A resolved incident comes back if its key fires again soon (false alarms never do). */
function reopens(inc: IncidentSnapshot, atMs: number, policy: GroupPolicy): boolean {
  return (
    inc.resolution !== "false_alarm" &&
    inc.resolvedAtMs !== null &&
    atMs - inc.resolvedAtMs <= policy.reopenWindowMs
  );
}

function joinsGroup(g: IncidentSnapshot, atMs: number, policy: GroupPolicy): boolean {
  if (policy.groupWindowMs <= 0) return false;
  return g.membersTotal >= policy.groupMinMembers || atMs - g.openedAtMs <= policy.groupWindowMs;
}

/** Coalesces a new op onto a key's pending ops: alerts are state, so nothing is lost. */
export function coalesce(ops: readonly AlertOp[], next: AlertOp): AlertOp[] {
  const last = ops[ops.length - 1];
  if (last?.kind === "fire" && next.kind === "fire") {
    // Keep the first detection time; the latest value; count the repeats.
    return [...ops.slice(0, -1), { ...last, value: next.value, repeats: last.repeats + 1 }];
  }
  if (last?.kind === "clear" && next.kind === "clear") return ops as AlertOp[];
  const out = [...ops, next];
  // fire, clear, fire, clear … beyond three ops: the middle flaps change nothing lasting
  // (the first fire opens, the last op says where the condition stands now).
  return out.length > 3 ? [out[0]!, ...out.slice(-2)] : out;
}
