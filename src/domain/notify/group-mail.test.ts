import { describe, expect, it } from "vitest";
import { componentLabel, LISTED_MEMBERS, renderGroupFollowup } from "./group-mail.js";
import type { IncidentFacts } from "./incident-mail.js";

const facts: IncidentFacts = {
  id: "0f3c2a9e-0000-4000-8000-000000000000",
  contractName: "Acme",
  componentName: "web-001",
  ruleName: "CPU busy above 90%",
  metric: "node_cpu_seconds_total",
  value: 0.97,
  threshold: 0.9,
  severity: "critical",
  openedAtMs: Date.UTC(2026, 11, 5, 0, 0, 0),
  tier: "first_line",
  runbookMissing: false,
  link: "https://msp.example/#/incidents/0f3c",
  membersTotal: 202,
};
const members = Array.from({ length: 60 }, (_, i) => ({
  componentName: `web-${String(i).padStart(3, "0")}`,
  labels: i === 0 ? "mountpoint=/<x>" : "",
  active: i !== 1,
}));

describe(renderGroupFollowup.name, () => {
  it("lists the first members, counts the rest, and marks the recovered, in both languages", () => {
    const at = { active: 201, total: 202, atMs: facts.openedAtMs + 300_000 };
    const en = renderGroupFollowup(facts, members, at, "en");
    expect(en.subject).toMatch(/^Re: \[MSP\] #0f3c2a9e /);
    expect(en.text).toContain("201 of 202 still failing");
    expect(en.text).toContain("web-001 (recovered)");
    expect(en.text).toContain(`and ${202 - LISTED_MEMBERS} more`);
    expect(en.text).not.toContain(`web-0${LISTED_MEMBERS}`);
    expect(en.html).toContain("mountpoint=/&lt;x&gt;");
    const ja = renderGroupFollowup(facts, members, at, "ja");
    expect(ja.text).toContain("202 件中 201 件が継続中");
    expect(ja.text).toContain("web-001 (回復)");
    expect(ja.text).toContain("CPU 使用率 90% 超");
    expect(ja.text).not.toMatch(/recovered|still failing/);
  });

  it("names one component plainly and a group with the count of the others", () => {
    expect(componentLabel({ ...facts, membersTotal: 1 })).toBe("web-001");
    expect(componentLabel(facts)).toBe("web-001 (+201)");
  });
});
