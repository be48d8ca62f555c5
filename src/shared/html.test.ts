import { describe, expect, it } from "vitest";
import { escapeHtml } from "./html.js";

describe(escapeHtml.name, () => {
  it("escapes every HTML-significant character, & first", () =>
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
    ));
  it("renders non-strings as their text", () => expect(escapeHtml(1_000)).toBe("1000"));
});
