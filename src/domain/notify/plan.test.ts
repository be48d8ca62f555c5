import { describe, expect, it } from "vitest";
import { digestSendAtMs, mergesIntoDigest } from "./digest.js";
import { planIncidentMessages, type PlanInput } from "./plan.js";

const base: PlanInput = {
  kind: "opened",
  incidentId: "inc1",
  suppressed: false,
  routed: true,
  reopenCount: 0,
  contacts: [
    { email: "Ops@Example.jp", language: "ja" },
    { email: "cto@example.jp", language: "en" },
  ],
  customerWebhooks: [{ id: "cw1", events: [] }],
  staffWebhooks: [
    { id: "sw1", events: [] },
    { id: "sw2", events: ["incident.opened"] },
  ],
};
const page = { email: "oncall@msp.example", language: "ja", level: 0 };
const summary = (input: Partial<PlanInput>) =>
  planIncidentMessages({ ...base, ...input }).map(
    (m) => `${m.channel}:${m.recipient}:${m.event}:${m.language}`,
  );

describe(planIncidentMessages.name, () => {
  it.each(["opened", "acknowledged", "resolved", "reopened", "quota_overage"])(
    "tells the customer's contacts and its webhooks about %s",
    (kind) => {
      const got = summary({ kind });
      expect(got).toHaveLength(3);
      expect(got[0]).toMatch(/^email:ops@example.jp:incident\.\w+:ja$/);
      expect(got[1]).toMatch(/^email:cto@example.jp:incident\.\w+:en$/);
      expect(got[2]).toMatch(/^webhook:cw1:/);
    },
  );

  it("sends the opened e-mail once the incident is routed (its tier is known), keyed the same", () => {
    expect(summary({ kind: "opened", routed: false })).toEqual([]);
    const onRouted = planIncidentMessages({ ...base, kind: "routed" });
    expect(onRouted.map((m) => m.key)).toEqual(planIncidentMessages(base).map((m) => m.key));
    expect(onRouted[0]!.event).toBe("incident.opened");
  });

  it.each(["repeated", "note", "condition_cleared", "outage_declared", "runbook_task_started"])(
    "tells nobody about %s",
    (kind) => expect(summary({ kind, page })).toEqual([]),
  );

  it("pages the engineer and the staff webhooks that take pages, never the customer", () => {
    expect(summary({ kind: "paged", page })).toEqual([
      "email:oncall@msp.example:page:ja",
      "webhook:sw1:page:en",
    ]);
    expect(summary({ kind: "escalated", page: { ...page, level: 1 } })).toHaveLength(2);
    expect(summary({ kind: "paged" })).toEqual([]);
  });

  it("says nothing at all for an incident suppressed by maintenance", () => {
    for (const kind of ["opened", "resolved", "paged"])
      expect(summary({ kind, suppressed: true, page })).toEqual([]);
  });

  it("keys a second resolve (after a reopen) and a second escalation apart", () => {
    const keys = (i: Partial<PlanInput>) =>
      planIncidentMessages({ ...base, ...i }).map((m) => m.key);
    expect(keys({ kind: "resolved" })[0]).toBe("inc1:resolved#0:ops@example.jp:email");
    expect(keys({ kind: "resolved", reopenCount: 1 })[0]).toBe(
      "inc1:resolved#1:ops@example.jp:email",
    );
    expect(keys({ kind: "escalated", page: { ...page, level: 2 } })[0]).toBe(
      "inc1:page#0.2:oncall@msp.example:email",
    );
  });

  it("sends one message to a contact listed twice", () => {
    const contacts = [...base.contacts, { email: "ops@example.jp ", language: "ja" }];
    expect(
      planIncidentMessages({ ...base, contacts }).filter((m) => m.channel === "email"),
    ).toHaveLength(2);
  });
});

describe(mergesIntoDigest.name, () => {
  const p = { windowS: 60, threshold: 5 };
  it.each([
    ["incident.opened", 5, false],
    ["incident.opened", 6, true],
    ["incident.resolved", 50, false],
    ["page", 50, false],
  ] as const)("%s with %i opened in the window merges: %s", (event, n, merges) => {
    expect(mergesIntoDigest(event, n, p)).toBe(merges);
  });
  it("never merges with threshold 0 (digest off)", () =>
    expect(mergesIntoDigest("incident.opened", 99, { windowS: 60, threshold: 0 })).toBe(false));
  it("waits a window before sending", () => expect(digestSendAtMs(1000, p)).toBe(61_000));
});
