import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { OUTAGE_CAUSES, OUTAGE_SCOPES } from "../../src/domain/billing/scenario.js";
import { DEFAULT_PACK } from "../../src/domain/rules/default-pack.js";
import { SEVERITIES } from "../../src/domain/rules/rule.js";
import { INCIDENT_EVENT_KINDS } from "../../src/incidents/events.js";
import { en, ja } from "../../web/src/messages.js";

// Issue 14: every string the web UI shows comes from the ja/en catalogs. The catalogs must
// have the same keys and placeholders, label every value the UI shows from data, and no
// component may write text outside them.
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("web message catalogs", () => {
  it("have the same keys in Japanese and English, none empty, with the same placeholders", () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const other = ja[key as keyof typeof en];
      expect(text.trim(), key).not.toBe("");
      expect(other.trim(), key).not.toBe("");
      expect(placeholders(other), key).toEqual(placeholders(text));
    }
  });

  it("label every value the UI shows from data: severities, timeline kinds, causes, scopes, default rules", () => {
    const keys = new Set(Object.keys(en));
    const wanted = [
      ...SEVERITIES.map((s) => `sev.${s}`),
      ...INCIDENT_EVENT_KINDS.map((k) => `event.${k}`),
      ...OUTAGE_CAUSES.map((c) => `cause.${c}`),
      ...OUTAGE_SCOPES.map((c) => `scope.${c}`),
      ...DEFAULT_PACK.map((r) => `rule.${r.packKey}`),
      ...["queued", "merged", "sending", "sent", "failed", "skipped"].map((s) => `delivery.${s}`),
    ];
    expect(wanted.filter((k) => !keys.has(k))).toEqual([]);
  });

  it("translates the values that were left in English in the Japanese UI", () => {
    for (const key of ["sev.critical", "event.opened", "delivery.sent", "scope.managed"] as const)
      expect(ja[key]).not.toBe(en[key]);
    expect(ja.never).not.toMatch(/none/i);
  });
});

/** Text written directly in JSX (children, title/aria-label/placeholder/alt) with a letter in it. */
export function untranslatedText(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const hasLetter = (s: string) => /\p{L}/u.test(s.replace(/&#?\w+;/g, ""));
  const where = (n: ts.Node) =>
    `${file}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const visit = (n: ts.Node) => {
    if (ts.isJsxText(n) && hasLetter(n.text)) found.push(`${where(n)} ${n.text.trim()}`);
    if (ts.isJsxAttribute(n) && n.initializer) {
      const name = n.name.getText(sf);
      const init = n.initializer;
      const text = ts.isStringLiteral(init)
        ? init.text
        : ts.isJsxExpression(init) && init.expression && ts.isStringLiteral(init.expression)
          ? init.expression.text
          : "";
      if (["title", "aria-label", "placeholder", "alt", "label"].includes(name) && hasLetter(text))
        found.push(`${where(n)} ${name}="${text}"`);
    }
    if (ts.isJsxExpression(n) && n.expression && ts.isJsxElement(n.parent)) {
      const e = n.expression;
      if (ts.isStringLiteral(e) && hasLetter(e.text)) found.push(`${where(n)} "${e.text}"`);
      if (ts.isTemplateExpression(e) || ts.isNoSubstitutionTemplateLiteral(e)) {
        const parts = ts.isTemplateExpression(e)
          ? [e.head.text, ...e.templateSpans.map((s) => s.literal.text)]
          : [e.text];
        if (parts.some(hasLetter)) found.push(`${where(n)} \`${parts.join("…")}\``);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? tsxFiles(join(dir, d.name))
      : d.name.endsWith(".tsx")
        ? [join(dir, d.name)]
        : [],
  );
}

describe("web components", () => {
  it("write no text outside the catalogs", () => {
    const files = tsxFiles("web/src");
    expect(files.length).toBeGreaterThan(5);
    const found = files.flatMap((f) => untranslatedText(f, readFileSync(f, "utf8")));
    expect(found).toEqual([]);
  });

  it("the scan catches text, attributes and template text (so it can fail)", () => {
    const src = `const a = <p title="Close">Hello {"world"} {\`n of \${x}\`} — {t("ok")}</p>;`;
    expect(untranslatedText("x.tsx", src)).toHaveLength(4);
    expect(untranslatedText("y.tsx", `const b = <p>{t("ok")} · {n} —</p>;`)).toEqual([]);
  });
});
