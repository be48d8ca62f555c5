// @ts-check
import fs from "node:fs";
import { dirname } from "node:path";
import { silentLogger } from "./log.js";

/** @typedef {[name: string, labels: Record<string, string>, value: number]} SpoolPoint */
/** @typedef {{ id: number, ts: number, p: SpoolPoint[] }} SpoolEntry */

/**
 * Disk copy of the send buffer, so samples not yet acknowledged survive a restart or crash.
 *
 * An append-only JSON-lines log: `{"id","ts","p"}` adds a collection, `{"del":[ids]}` removes
 * acknowledged/dropped ones. Appending costs one small write per collection instead of
 * rewriting the whole buffer; the log is truncated whenever the buffer empties (the healthy
 * steady state) and compacted by an atomic rewrite when dead records outnumber live ones.
 * Writes are synchronous so an entry is on disk before its first send attempt.
 */
export class Spool {
  /** @param {string} path @param {{ log?: import("./log.js").Logger }} [opts] */
  constructor(path, opts = {}) {
    this.path = path;
    this.log = opts.log ?? silentLogger;
    this.lines = 0;
    this.failed = false;
  }

  /** Replays the log; a torn last line (crash mid-write) is skipped, not fatal. @returns {SpoolEntry[]} */
  load() {
    fs.mkdirSync(dirname(this.path), { recursive: true });
    let text = "";
    try {
      text = fs.readFileSync(this.path, "utf8");
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== "ENOENT") throw err;
    }
    /** @type {Map<number, SpoolEntry>} */
    const live = new Map();
    let bad = 0;
    for (const line of text.split("\n")) {
      if (!line) continue;
      this.lines++;
      try {
        const rec = JSON.parse(line);
        if (Array.isArray(rec.del)) for (const id of rec.del) live.delete(id);
        else if (Number.isInteger(rec.id) && Array.isArray(rec.p)) live.set(rec.id, rec);
        else bad++;
      } catch {
        bad++;
      }
    }
    if (bad > 0)
      this.log.warn("spool: skipped unreadable records", { path: this.path, count: bad });
    return [...live.values()].sort((a, b) => a.id - b.id);
  }

  /** @param {SpoolEntry} entry */
  append(entry) {
    this.write(() => fs.appendFileSync(this.path, JSON.stringify(entry) + "\n"));
    this.lines++;
  }

  /**
   * @param {number[]} ids removed from the buffer
   * @param {number} liveCount entries still in the buffer
   * @param {() => SpoolEntry[]} snapshot the live entries, called only when compacting
   */
  remove(ids, liveCount, snapshot) {
    if (ids.length === 0) return;
    if (liveCount === 0) return this.truncate();
    if (this.lines + 1 > 2 * liveCount + 16) return this.rewrite(snapshot());
    this.write(() => fs.appendFileSync(this.path, JSON.stringify({ del: ids }) + "\n"));
    this.lines++;
  }

  /** The healthy steady state: everything was acknowledged. */
  truncate() {
    this.write(() => fs.truncateSync(this.path, 0));
    this.lines = 0;
  }

  /** Write-then-rename, so a crash leaves either the old or the new log, never half of one. @param {SpoolEntry[]} entries */
  rewrite(entries) {
    const tmp = `${this.path}.tmp`;
    this.write(() => {
      fs.writeFileSync(tmp, entries.map((e) => JSON.stringify(e) + "\n").join(""));
      fs.renameSync(tmp, this.path);
    });
    this.lines = entries.length;
  }

  /** A full or read-only disk must not stop metrics: log once and go on in memory only. @param {() => void} op */
  write(op) {
    if (this.failed) return;
    try {
      op();
    } catch (err) {
      this.failed = true;
      // A log that stops recording removals would re-send acknowledged samples after a restart.
      try {
        fs.rmSync(this.path, { force: true });
      } catch {
        // nothing more can be done on a read-only filesystem
      }
      this.log.error("spool: write failed, continuing without disk spool", {
        path: this.path,
        error: String(err),
      });
    }
  }
}
