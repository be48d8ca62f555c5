import { getMetadataArgsStorage } from "typeorm";
import { describe, expect, it } from "vitest";
import { ENTITIES } from "./index.js";

describe("ENTITIES", () => {
  it("holds only classes mapped with @Entity, each once", () => {
    const mapped = new Set(getMetadataArgsStorage().tables.map((t) => t.target));
    expect(ENTITIES.filter((e) => !mapped.has(e))).toEqual([]);
    expect(new Set(ENTITIES).size).toBe(ENTITIES.length);
    expect(ENTITIES.length).toBeGreaterThanOrEqual(30);
  });
});
