import { describe, expect, it } from "vitest";
import { controlCharacterIssue } from "./control-characters.js";

describe("controlCharacterIssue", () => {
  it("names the field holding U+0000, in a body, a query and a key", () => {
    expect(controlCharacterIssue({ a: { b: ["ok", "x\u0000y"] } }, "")).toEqual({
      path: "a.b[1]",
      message: expect.stringContaining("U+0000"),
    });
    expect(controlCharacterIssue({ q: "\u001b[31m" }, "query")?.path).toBe("query.q");
    expect(controlCharacterIssue({ ["k\u0007"]: 1 }, "")).toMatchObject({
      path: "k\u0007",
      message: expect.stringMatching(/^name contains the control character U\+0007/),
    });
  });

  it("accepts tab and line breaks, non-strings and ordinary text", () => {
    expect(
      controlCharacterIssue({ note: "line 1\r\nline 2\tend", n: 1, z: null, j: "日本語" }, ""),
    ).toBeUndefined();
    expect(controlCharacterIssue(undefined, "")).toBeUndefined();
  });

  it("walks a 200,000-deep body without overflowing the stack", () => {
    let v: unknown = "x\u0000";
    for (let i = 0; i < 200_000; i++) v = [v];
    const started = performance.now();
    expect(controlCharacterIssue(v, "")?.path).toMatch(/^\[0\]/);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
