import { describe, expect, it } from "vitest";
import { hashBytes, RawLabelStore } from "./raw-label-store.js";

const field = (name: string, value: string): number[] => {
  const body = [0x0a, name.length, ...Buffer.from(name), 0x12, value.length, ...Buffer.from(value)];
  return [0x0a, body.length, ...body];
};
const region = (...fields: number[][]) => Uint8Array.from(fields.flat());
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

describe(RawLabelStore.name, () => {
  it("confirms exactly the stored label bytes", () => {
    const store = new RawLabelStore();
    const a = region(field("__name__", "up"), field("job", "node"));
    store.put(3, a, 0, a.length);
    expect(store.equals(3, a, view(a), 0, a.length)).toBe(true);
    for (const other of [
      region(field("__name__", "up"), field("job", "nodf")),
      region(field("__name__", "up")),
      region(field("job", "node"), field("__name__", "up")),
    ]) {
      expect(store.equals(3, other, view(other), 0, other.length)).toBe(false);
    }
    expect(store.equals(4, a, view(a), 0, a.length)).toBe(false);
  });

  it("shares label fields between series and frees them with the last user", () => {
    const store = new RawLabelStore();
    const a = region(field("__name__", "up"), field("instance", "vm-1:9100"));
    const b = region(field("__name__", "down"), field("instance", "vm-1:9100"));
    store.put(0, a, 0, a.length);
    store.put(1, b, 0, b.length);
    store.release(0);
    expect(store.equals(1, b, view(b), 0, b.length)).toBe(true);
    store.put(0, a, 0, a.length);
    expect(store.equals(0, a, view(a), 0, a.length)).toBe(true);
  });

  it("hashes equal bytes equally wherever they sit", () => {
    const a = Uint8Array.from([9, 1, 2, 3, 4, 5]);
    const b = Uint8Array.from([1, 2, 3, 4, 5]);
    expect(hashBytes(view(a), 1, 6, 1)).toBe(hashBytes(view(b), 0, 5, 1));
    expect(hashBytes(view(a), 1, 6, 2)).not.toBe(hashBytes(view(b), 0, 5, 1));
  });
});
