// Incident lifecycle (SPEC 4): open → acknowledged → resolved, with reopen. Each verb is
// allowed from a fixed set of states; the store applies it as a conditional update on them.

export const INCIDENT_STATES = ["open", "acknowledged", "resolved"] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

export const INCIDENT_VERBS = ["acknowledge", "escalate", "resolve", "reopen"] as const;
export type IncidentVerb = (typeof INCIDENT_VERBS)[number];

const FROM: Record<IncidentVerb, readonly IncidentState[]> = {
  acknowledge: ["open"],
  escalate: ["open", "acknowledged"],
  resolve: ["open", "acknowledged"],
  reopen: ["resolved"],
};

export function allowedFrom(verb: IncidentVerb): readonly IncidentState[] {
  return FROM[verb];
}

/** Why a verb is refused in a state, worded for the API's CONFLICT message. */
export function refusal(verb: IncidentVerb, state: IncidentState): string {
  if (state === "resolved") return `incident is resolved; cannot ${verb}`;
  if (verb === "acknowledge") return "incident is already acknowledged";
  if (verb === "reopen") return "incident is not resolved";
  return `cannot ${verb} an incident that is ${state}`;
}

/** False alarms closed before anyone acknowledged them give their quota unit back. */
export function releasesQuota(input: { falseAlarm: boolean; acknowledged: boolean }): boolean {
  return input.falseAlarm && !input.acknowledged;
}
