import { gzipSync, deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { checkJsonShape, decodeJsonBody } from "./json-body.js";

const limits = { maxBytes: 1 << 16, maxDepth: 4, maxContainers: 10 };
const bytes = (s: string) => Buffer.from(s);

describe("checkJsonShape", () => {
  it("counts only structural brackets: those inside strings (escaped quotes included) do not count", () => {
    expect(() => checkJsonShape(bytes(`{"a":"[[[[[[\\"[[[[","b":[[1]]}`), 3, 10)).not.toThrow();
    expect(() => checkJsonShape(bytes(`{"b":[[[1]]]}`), 3, 10)).toThrow(
      "JSON nested deeper than 3 levels",
    );
  });

  it("refuses too many arrays/objects as payload_too_large", () => {
    expect(() => checkJsonShape(bytes(`[${"[],".repeat(10)}[]]`), 4, 10)).toThrow(
      expect.objectContaining({ reason: "payload_too_large" }),
    );
  });
});

describe("decodeJsonBody", () => {
  it("inflates gzip and deflate, refuses past the cap while inflating, and refuses bad encodings", async () => {
    const doc = { a: [1, 2] };
    expect(await decodeJsonBody(gzipSync(JSON.stringify(doc)), "gzip", limits)).toEqual(doc);
    expect(await decodeJsonBody(deflateSync(JSON.stringify(doc)), "deflate", limits)).toEqual(doc);
    expect(await decodeJsonBody(bytes(JSON.stringify(doc)), undefined, limits)).toEqual(doc);
    await expect(
      decodeJsonBody(gzipSync(Buffer.alloc(1 << 20, " ")), "gzip", limits),
    ).rejects.toMatchObject({ reason: "payload_too_large" });
    await expect(decodeJsonBody(bytes("not gzip"), "gzip", limits)).rejects.toMatchObject({
      reason: "bad_json",
    });
    await expect(decodeJsonBody(bytes("{}"), "br", limits)).rejects.toMatchObject({
      reason: "bad_json",
      message: "unsupported Content-Encoding br",
    });
    await expect(decodeJsonBody(bytes("{nope"), "identity", limits)).rejects.toMatchObject({
      reason: "bad_json",
    });
  });
});
