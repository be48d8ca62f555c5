// @ts-check
import { AGENT_NAME, AGENT_VERSION } from "./version.js";

/** @typedef {Record<string, string>} Labels */
/** @typedef {{ name: string, labels: Labels, value: number }} Point */
/** @typedef {"linux" | "windows"} AgentOs */
/** @typedef {{ name: string, labels: Labels, samples: [number, number][] }} PayloadSeries */
/**
 * The native batch payload, schema version 1 (documented in agents/README.md).
 * @typedef {{
 *   version: 1,
 *   agent: { name: string, version: string },
 *   os: AgentOs,
 *   host: string,
 *   series: PayloadSeries[],
 * }} Payload
 */
/**
 * What every platform collector implements.
 * @typedef {{ os: AgentOs, collect: () => Promise<Point[]>, close?: () => void }} Collector
 */

/** Accumulates one collection's points; drops non-finite values because JSON cannot carry them. */
export class PointSet {
  constructor() {
    /** @type {Point[]} */
    this.points = [];
  }

  /** @param {string} name @param {Labels} labels @param {number} value */
  add(name, labels, value) {
    if (Number.isFinite(value)) this.points.push({ name, labels, value });
  }
}

/**
 * Canonical identity of a series: the name plus its labels in sorted order.
 * @param {string} name @param {Labels} labels
 */
export function seriesKey(name, labels) {
  const keys = Object.keys(labels).sort();
  let key = name;
  for (const k of keys) key += `\u0000${k}\u0001${labels[k]}`;
  return key;
}

/**
 * @param {{ os: AgentOs, host: string, series: PayloadSeries[] }} body
 * @returns {Payload}
 */
export function buildPayload({ os, host, series }) {
  return { version: 1, agent: { name: AGENT_NAME, version: AGENT_VERSION }, os, host, series };
}

/**
 * Groups one collection's points into payload series (one sample each), for `--once`.
 * @param {Point[]} points @param {number} ts
 * @returns {PayloadSeries[]}
 */
export function pointsToSeries(points, ts) {
  return points.map((p) => ({ name: p.name, labels: p.labels, samples: [[ts, p.value]] }));
}
