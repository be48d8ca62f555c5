import { describe, expect, it } from "vitest";
import { escapeHtml, formatJst, mailDomain } from "./format.js";
import { renderIncidentMail, threadHeaders, type IncidentFacts } from "./incident-mail.js";
import { renderCapReached, renderDigest, renderInvoiceIssued, renderPage } from "./notices.js";

const XSS = `<script>alert("x")</script>`;
const facts = (over: Partial<IncidentFacts> = {}): IncidentFacts => ({
  id: "1a2b3c4d-0000-4000-8000-000000000001",
  contractName: "ACME",
  componentName: "web-01",
  ruleName: "cpu high",
  metric: "cpu_usage",
  value: 97.5,
  threshold: 90,
  severity: "critical",
  openedAtMs: Date.parse("2026-11-20T03:00:00Z"),
  tier: "watch",
  runbookMissing: false,
  link: "http://localhost:8080/#/incidents/1a2b3c4d-0000-4000-8000-000000000001",
  ...over,
});
const at = { atMs: Date.parse("2026-11-20T03:05:00Z") };

describe(renderIncidentMail.name, () => {
  it("escapes a <script> customer and component name in HTML, keeps it readable in text", () => {
    const m = renderIncidentMail(
      "opened",
      facts({ contractName: XSS, componentName: XSS, ruleName: XSS }),
      at,
      "en",
    );
    expect(m.html).not.toContain("<script>");
    expect(m.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(m.text).toContain(XSS);
  });

  it("writes times in JST and the metric, value, threshold and link", () => {
    const m = renderIncidentMail("opened", facts(), at, "ja");
    expect(m.text).toContain("2026-11-20 12:00:00 JST");
    expect(m.text).toContain("2026-11-20 12:05:00 JST");
    expect(m.text).toContain("97.5 / 90");
    expect(m.text).toContain("cpu_usage");
    expect(m.html).toContain(
      `href="http://localhost:8080/#/incidents/1a2b3c4d-0000-4000-8000-000000000001"`,
    );
  });

  it.each([
    ["watch", false, "we watch the incident and notify you"],
    ["first_line", false, "a NOC engineer is paged"],
    ["second_line", false, "isolate the fault"],
    ["runbook", false, "ops runbook"],
    ["first_line", true, "not applied until an incident-response runbook is on file"],
  ])("says what the %s tier (runbook missing: %s) will do", (tier, runbookMissing, phrase) => {
    expect(renderIncidentMail("opened", facts({ tier, runbookMissing }), at, "en").text).toContain(
      phrase,
    );
  });

  it("speaks the contact's language", () => {
    expect(
      renderIncidentMail("resolved", facts(), { ...at, resolution: "auto" }, "ja").text,
    ).toContain("解決済み");
    expect(
      renderIncidentMail("resolved", facts(), { ...at, resolution: "auto" }, "en").text,
    ).toContain("Resolved automatically");
  });

  it("keeps one subject per incident; follow-ups only add Re:", () => {
    const first = renderIncidentMail("opened", facts(), at, "en").subject;
    expect(first).toBe("[MSP] #1a2b3c4d cpu high on web-01");
    expect(renderIncidentMail("resolved", facts(), at, "en").subject).toBe(`Re: ${first}`);
  });

  it("never lets a newline in a name forge a header", () => {
    const m = renderIncidentMail("opened", facts({ componentName: "a\r\nBcc: evil@x" }), at, "en");
    expect(m.subject).not.toMatch(/[\r\n]/);
  });
});

describe(threadHeaders.name, () => {
  it("roots the thread on the first message and references it from later ones", () => {
    expect(threadHeaders("abc", "msp.example", null)).toEqual({
      messageId: "<incident-abc@msp.example>",
    });
    expect(threadHeaders("abc", "msp.example", "resolved#0")).toEqual({
      messageId: "<incident-abc.resolved.0@msp.example>",
      inReplyTo: "<incident-abc@msp.example>",
      references: "<incident-abc@msp.example>",
    });
  });
});

describe("other notices", () => {
  it("escapes user text in every template", () => {
    const htmls = [
      renderPage(
        facts({ contractName: XSS }),
        { line: "first", level: 0, escalated: false, atMs: 0 },
        "ja",
      ).html,
      renderCapReached(
        {
          contractName: XSS,
          componentName: XSS,
          cap: 200,
          activeSeries: 200,
          atMs: 0,
          link: "http://x/",
        },
        "en",
      ).html,
      renderInvoiceIssued(
        {
          contractName: XSS,
          month: "2026-11",
          totalYen: 12345,
          dueDate: "2026-12-31",
          link: "http://x/",
        },
        "ja",
      ).html,
      renderDigest(XSS, [facts({ componentName: XSS })], "http://x/", "en").html,
    ];
    for (const h of htmls) expect(h).not.toContain("<script>");
  });

  it("lists every merged incident in a digest", () => {
    const items = [
      facts(),
      facts({ id: "ffffeeee-0000-4000-8000-000000000002", componentName: "db-01" }),
    ];
    const m = renderDigest("ACME", items, "http://x/", "en");
    expect(m.subject).toContain("2 incidents");
    expect(m.text).toContain("#1a2b3c4d");
    expect(m.text).toContain("#ffffeeee");
  });

  it("refuses to make a javascript: link clickable", () => {
    const m = renderIncidentMail("opened", facts({ link: "javascript:alert(1)" }), at, "en");
    expect(m.html).not.toContain("href=");
  });

  it("prints yen as integers with separators", () => {
    const m = renderInvoiceIssued(
      {
        contractName: "A",
        month: "2026-11",
        totalYen: 1234567,
        dueDate: "2026-12-31",
        link: "http://x/",
      },
      "ja",
    );
    expect(m.text).toContain("1,234,567 円");
  });
});

describe("format helpers", () => {
  it("escapes the five HTML specials", () =>
    expect(escapeHtml(`&<>"'`)).toBe("&amp;&lt;&gt;&quot;&#39;"));
  it("rolls JST over midnight", () =>
    expect(formatJst(Date.parse("2026-12-31T15:00:00Z"))).toBe("2027-01-01 00:00:00 JST"));
  it("takes the domain from the From address", () => {
    expect(mailDomain("MSP <noreply@msp.example>")).toBe("msp.example");
    expect(mailDomain("noreply@a.b")).toBe("a.b");
  });
});
