import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { batchToSeries, SampleBuffer } from "../src/buffer.js";
import type { Point } from "../src/points.js";
import { Spool } from "../src/spool.js";

/** A collection of n samples whose values encode the collection number, so order is visible. */
const collection = (k: number, n = 4): Point[] =>
  Array.from({ length: n }, (_, i) => ({
    name: "m",
    labels: { i: String(i) },
    value: k * 100 + i,
  }));

const ids = (b: SampleBuffer) => b.entries.map((e) => e.id);

describe(SampleBuffer.name, () => {
  it("never holds more samples than its capacity and drops the oldest first, counting them", () => {
    const buffer = new SampleBuffer({ capacitySamples: 10 });
    const dropped = [1, 2, 3, 4, 5].map((k) => buffer.push(k * 1000, collection(k)));
    expect(dropped).toEqual([0, 0, 4, 4, 4]);
    expect(buffer.size).toBe(8);
    expect(ids(buffer)).toEqual([4, 5]);
    expect(buffer.dropped).toEqual({ buffer_full: 12, rejected: 0 });
  });

  it("does not evict the batch in flight; it evicts the next oldest instead", () => {
    const buffer = new SampleBuffer({ capacitySamples: 12 });
    for (const k of [1, 2, 3]) buffer.push(k, collection(k));
    const batch = buffer.take(4);
    expect(batch.map((e) => e.id)).toEqual([1]);
    buffer.push(4, collection(4));
    expect(ids(buffer)).toEqual([1, 3, 4]);
    buffer.ack(batch);
    expect(ids(buffer)).toEqual([3, 4]);
    expect(buffer.size).toBe(8);
    expect(buffer.dropped.buffer_full).toBe(4);
  });

  it("makes released entries evictable again", () => {
    const buffer = new SampleBuffer({ capacitySamples: 8 });
    buffer.push(1, collection(1));
    buffer.push(2, collection(2));
    buffer.release(buffer.take(100));
    buffer.push(3, collection(3));
    expect(ids(buffer)).toEqual([2, 3]);
  });

  it("drops a collection larger than the whole buffer without evicting anything", () => {
    const buffer = new SampleBuffer({ capacitySamples: 10 });
    buffer.push(1, collection(1));
    expect(buffer.push(2, collection(2, 11))).toBe(11);
    expect(ids(buffer)).toEqual([1]);
    expect(buffer.dropped.buffer_full).toBe(11);
  });

  it("takes the oldest entries up to the sample limit, but always at least one", () => {
    const buffer = new SampleBuffer({ capacitySamples: 100 });
    for (const k of [1, 2, 3]) buffer.push(k, collection(k));
    expect(buffer.take(9).map((e) => e.id)).toEqual([1, 2]);
    buffer.release(buffer.entries);
    expect(buffer.take(1).map((e) => e.id)).toEqual([1]);
  });

  it("counts a rejected batch as dropped for that reason", () => {
    const buffer = new SampleBuffer({ capacitySamples: 100 });
    buffer.push(1, collection(1));
    buffer.push(2, collection(2));
    buffer.reject(buffer.take(4));
    expect(ids(buffer)).toEqual([2]);
    expect(buffer.dropped).toEqual({ buffer_full: 0, rejected: 4 });
  });
});

describe(batchToSeries.name, () => {
  it("merges entries into one series per name and labels, samples in time order", () => {
    const buffer = new SampleBuffer({ capacitySamples: 100 });
    buffer.push(1000, [
      { name: "a", labels: { x: "1", y: "2" }, value: 1 },
      { name: "b", labels: {}, value: 2 },
    ]);
    buffer.push(2000, [{ name: "a", labels: { y: "2", x: "1" }, value: 3 }]);
    expect(batchToSeries(buffer.take(100))).toEqual([
      {
        name: "a",
        labels: { x: "1", y: "2" },
        samples: [
          [1000, 1],
          [2000, 3],
        ],
      },
      { name: "b", labels: {}, samples: [[1000, 2]] },
    ]);
  });
});

describe(Spool.name, () => {
  let dir = "";
  let path = "";
  beforeEach(() => {
    dir = mkdtempSync(join(os.tmpdir(), "msp-spool-"));
    path = join(dir, "sub", "spool.jsonl");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("restores unacknowledged collections after a restart, with their ids and values", () => {
    const first = new SampleBuffer({ capacitySamples: 100, spool: new Spool(path) });
    for (const k of [1, 2, 3]) first.push(k * 1000, collection(k));
    first.ack(first.take(4));
    const second = new SampleBuffer({ capacitySamples: 100, spool: new Spool(path) });
    expect(ids(second)).toEqual([2, 3]);
    expect(batchToSeries(second.take(100))[0]).toEqual({
      name: "m",
      labels: { i: "0" },
      samples: [
        [2000, 200],
        [3000, 300],
      ],
    });
    second.release(second.entries);
    second.push(4000, collection(4));
    expect(ids(second)).toEqual([2, 3, 4]);
  });

  it("truncates the file when everything is acknowledged", () => {
    const buffer = new SampleBuffer({ capacitySamples: 100, spool: new Spool(path) });
    buffer.push(1, collection(1));
    expect(readFileSync(path, "utf8")).not.toBe("");
    buffer.ack(buffer.take(100));
    expect(readFileSync(path, "utf8")).toBe("");
  });

  it("compacts when removals outnumber live entries, keeping the same content", () => {
    const buffer = new SampleBuffer({ capacitySamples: 8, spool: new Spool(path) });
    for (let k = 1; k <= 40; k++) buffer.push(k, collection(k));
    expect(readFileSync(path, "utf8").trim().split("\n").length).toBeLessThanOrEqual(2 * 2 + 17);
    expect(ids(new SampleBuffer({ capacitySamples: 8, spool: new Spool(path) }))).toEqual([39, 40]);
  });

  it("skips a torn last line left by a crash", () => {
    const buffer = new SampleBuffer({ capacitySamples: 100, spool: new Spool(path) });
    buffer.push(1, collection(1));
    appendFileSync(path, '{"id":2,"ts":2,"p":[["m",{},');
    expect(ids(new SampleBuffer({ capacitySamples: 100, spool: new Spool(path) }))).toEqual([1]);
  });

  it("evicts the oldest restored entries when the capacity shrank between runs", () => {
    const big = new SampleBuffer({ capacitySamples: 100, spool: new Spool(path) });
    for (const k of [1, 2, 3]) big.push(k, collection(k));
    const small = new SampleBuffer({ capacitySamples: 8, spool: new Spool(path) });
    expect(ids(small)).toEqual([2, 3]);
    expect(small.dropped.buffer_full).toBe(4);
  });

  it("keeps working in memory when a disk write fails", () => {
    const spool = new Spool(path);
    const buffer = new SampleBuffer({ capacitySamples: 100, spool });
    buffer.push(1, collection(1));
    // A directory in place of the file makes every later write fail.
    rmSync(path);
    mkdirSync(path);
    buffer.push(2, collection(2));
    buffer.ack(buffer.take(4));
    expect(spool.failed).toBe(true);
    expect(ids(buffer)).toEqual([2]);
  });
});
