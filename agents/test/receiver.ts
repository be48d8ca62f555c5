import http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import type { Payload } from "../src/points.js";

export type Reply = { status: number; headers?: Record<string, string>; hang?: boolean };
export type Received = { headers: http.IncomingHttpHeaders; payload: Payload; status: number };

/**
 * A stand-in collector on 127.0.0.1: records every request (decoded) and answers from a
 * script of replies, then 204 once the script is used up.
 */
export async function startReceiver(port = 0, script: Reply[] = []) {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const reply = script.shift() ?? { status: 204 };
      if (reply.hang) return; // never answer: the agent's timeout must fire
      const payload = JSON.parse(gunzipSync(Buffer.concat(chunks)).toString("utf8")) as Payload;
      requests.push({ headers: req.headers, payload, status: reply.status });
      res.writeHead(reply.status, reply.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    /** Batches the collector accepted (2xx). */
    accepted: () => requests.filter((r) => r.status >= 200 && r.status < 300),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that was free a moment ago: connecting to it is refused until someone listens. */
export async function freePort(): Promise<number> {
  const r = await startReceiver();
  await r.close();
  return r.port;
}

export async function until(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Every (series, timestamp) sample the collector accepted, as "name{labels}@ts=value" strings. */
export function acceptedSamples(requests: Received[]): string[] {
  return requests.flatMap((r) =>
    r.payload.series.flatMap((s) =>
      s.samples.map(([ts, v]) => `${s.name}${JSON.stringify(s.labels)}@${ts}=${v}`),
    ),
  );
}
