import { describe, expect, it } from "vitest";
import { DEFAULT_PACK } from "../rules/default-pack.js";
import { SEVERITIES } from "../rules/rule.js";
import { renderIncidentMail, type IncidentFacts } from "./incident-mail.js";
import { MAIL_CATALOGS, mailText, ruleDisplayName } from "./messages.js";
import { renderCapReached, renderDigest, renderInvoiceIssued, renderPage } from "./notices.js";

// Issue 14: every e-mail string from the catalog, in both languages, and no English label
// left in a Japanese e-mail.
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const facts: IncidentFacts = {
  id: "1a2b3c4d-0000-4000-8000-000000000001",
  contractName: "ACME",
  componentName: "web-01",
  ruleName: "Filesystem space below 10%",
  metric: "node_filesystem_avail_bytes",
  value: 0.05,
  threshold: 0.1,
  severity: "critical",
  openedAtMs: Date.parse("2026-11-20T03:00:00Z"),
  tier: "first_line",
  runbookMissing: false,
  link: "http://localhost:8080/#/incidents/1a2b3c4d-0000-4000-8000-000000000001",
};

describe("mail catalogs", () => {
  it("have the same keys and placeholders in Japanese and English, none empty", () => {
    const { en, ja } = MAIL_CATALOGS;
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const other = ja[key as keyof typeof en];
      expect(text.trim(), key).not.toBe("");
      expect(other.trim(), key).not.toBe("");
      expect(placeholders(other), key).toEqual(placeholders(text));
    }
  });

  it("name every default-pack rule and severity in both languages", () => {
    for (const lang of ["ja", "en"] as const) {
      for (const r of DEFAULT_PACK) expect(ruleDisplayName(r.name, lang)).not.toBe("");
      const keys = Object.keys(MAIL_CATALOGS[lang]);
      expect(SEVERITIES.filter((s) => !keys.includes(`sev.${s}`))).toEqual([]);
      expect(DEFAULT_PACK.filter((r) => !keys.includes(`rule.${r.packKey}`))).toEqual([]);
    }
    expect(ruleDisplayName("Filesystem space below 10%", "ja")).toBe(
      "ファイルシステム空き 10% 未満",
    );
    expect(ruleDisplayName("my own rule", "ja")).toBe("my own rule");
    expect(mailText("en")("on", { rule: "r", component: "c" })).toBe("r on c");
  });
});

describe("Japanese e-mails", () => {
  const at = { atMs: Date.parse("2026-11-20T03:05:00Z") };
  const mails = [
    renderIncidentMail("opened", facts, at, "ja"),
    renderIncidentMail("resolved", facts, { ...at, resolution: "auto" }, "ja"),
    renderPage(facts, { line: "second", level: 1, escalated: true, atMs: at.atMs }, "ja"),
    renderDigest("ACME", [facts], "http://x/", "ja"),
    renderCapReached(
      {
        contractName: "A",
        componentName: "c",
        cap: 200,
        activeSeries: 200,
        atMs: 0,
        link: "http://x/",
      },
      "ja",
    ),
    renderInvoiceIssued(
      {
        contractName: "A",
        month: "2026-11",
        totalYen: 1,
        dueDate: "2026-12-31",
        link: "http://x/",
      },
      "ja",
    ),
  ];

  it("carry lang=ja and no English label (severity, rule name)", () => {
    for (const m of mails) {
      expect(m.html).toContain('<html lang="ja">');
      expect(m.text).not.toMatch(/\bcritical\b|Filesystem space|Engineer|Page\b/);
    }
    expect(mails[0]!.text).toContain("重大");
    expect(mails[0]!.subject).toContain("web-01 で ファイルシステム空き 10% 未満");
  });

  it("English e-mails carry lang=en", () => {
    expect(renderIncidentMail("opened", facts, at, "en").html).toContain('<html lang="en">');
  });
});
