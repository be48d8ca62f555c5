// @ts-check
import http from "node:http";
import { createRequire } from "node:module";
import { AGENT_NAME, AGENT_VERSION } from "./version.js";

/** @typedef {{ status: number, retryAfter?: string, body: string }} PostResult */
/**
 * Sends one gzipped payload. Resolves with any HTTP status; rejects only when no response
 * arrived (refused, reset, DNS, timeout) — the delivery loop treats both kinds of failure.
 * @typedef {{ post: (gzippedJson: Buffer, headers?: Record<string, string>) => Promise<PostResult> }} Transport
 */

export const INGEST_PATH = "/api/v1/ingest/agent";

/**
 * node:http rather than fetch: it loads no extra HTTP stack, which keeps the agent's memory low.
 * @param {{ url: string, token: string, timeoutMs: number }} opts
 * @returns {Transport}
 */
export function createHttpTransport(opts) {
  const target = new URL(opts.url.replace(/\/+$/, "") + INGEST_PATH);
  // TLS is loaded only when used: it costs ~2 MiB of resident memory for nothing on http.
  /** @type {typeof http} */
  const client = target.protocol === "https:" ? createRequire(import.meta.url)("node:https") : http;
  // One kept-alive connection: a batch every 10 s should not pay a TLS handshake each time.
  const agent = new client.Agent({ keepAlive: true, maxSockets: 1 });

  return {
    post(body, extraHeaders = {}) {
      return new Promise((resolve, reject) => {
        const req = client.request(
          target,
          {
            method: "POST",
            agent,
            headers: {
              "content-type": "application/json",
              "content-encoding": "gzip",
              "content-length": String(body.length),
              authorization: `Bearer ${opts.token}`,
              "user-agent": `${AGENT_NAME}/${AGENT_VERSION}`,
              ...extraHeaders,
            },
          },
          (res) => {
            /** @type {Buffer[]} */
            const chunks = [];
            let size = 0;
            res.on("data", (/** @type {Buffer} */ c) => {
              // Keep only the start of the body, enough for a log line.
              if (size < 4096) chunks.push(c);
              size += c.length;
            });
            res.on("end", () => {
              const retryAfter = res.headers["retry-after"];
              resolve({
                status: res.statusCode ?? 0,
                ...(retryAfter !== undefined ? { retryAfter } : {}),
                body: Buffer.concat(chunks).toString("utf8").slice(0, 4096),
              });
            });
            res.on("error", reject);
          },
        );
        req.setTimeout(opts.timeoutMs, () =>
          req.destroy(new Error(`timeout after ${opts.timeoutMs} ms`)),
        );
        req.on("error", reject);
        req.end(body);
      });
    },
  };
}
