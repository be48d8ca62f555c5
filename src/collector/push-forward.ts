// A push that reached a collector not holding its contract's lease goes to the holder
// (decision 0019): body and auth header unchanged, the holder's status, headers and body
// relayed back, so remote_write senders and the bundled agent need nothing. A holder that
// cannot be connected to (dead) loses its lease to this collector, which ingests the push.
import http from "node:http";
import type { Request, Response } from "express";
import { Counter, type Registry } from "prom-client";
import { AppError } from "../shared/errors.js";
import type { CollectorOwnership } from "./ownership.js";

/** Marks a forwarded push: its receiver never forwards it again. */
export const FORWARDED_BY = "x-msp-forwarded-by";
const SENT_HEADERS = [
  "authorization",
  "content-type",
  "content-encoding",
  "x-prometheus-remote-write-version",
  "user-agent",
];
const RELAYED_HEADERS = ["content-type", "retry-after"];
/** Errors that mean the request never reached a listening holder. */
const UNREACHABLE = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ECONNTIMEOUT"]);

export type ForwardOutcome =
  | { kind: "answered"; status: number; headers: Record<string, string>; body: Buffer }
  | { kind: "unreachable" | "failed"; err: Error };

/** Sends pushes to other collectors over kept-alive connections. */
export class PushForwarder {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  constructor(
    private readonly selfId: string,
    private readonly opts = { connectTimeoutMs: 2_000, timeoutMs: 10_000 },
  ) {}

  async send(baseUrl: string, req: Request, body: Buffer): Promise<ForwardOutcome> {
    const first = await this.once(baseUrl, req, body);
    // A kept-alive socket the dead holder's kernel closed: one fresh attempt tells which it is.
    if (first.kind === "failed" && first.reused) return this.once(baseUrl, req, body);
    return first;
  }

  close(): void {
    this.agent.destroy();
  }

  private once(
    baseUrl: string,
    req: Request,
    body: Buffer,
  ): Promise<ForwardOutcome & { reused?: boolean }> {
    const headers: Record<string, string> = {
      [FORWARDED_BY]: this.selfId,
      "content-length": String(body.length),
    };
    for (const h of SENT_HEADERS) {
      const v = req.header(h);
      if (v !== undefined) headers[h] = v;
    }
    return new Promise((resolve) => {
      let connected = false;
      const out = http.request(new URL(req.originalUrl, baseUrl), {
        method: "POST",
        headers,
        agent: this.agent,
        timeout: this.opts.timeoutMs,
      });
      const connectTimer = setTimeout(() => {
        if (!connected)
          out.destroy(Object.assign(new Error("connect timeout"), { code: "ECONNTIMEOUT" }));
      }, this.opts.connectTimeoutMs);
      out.on("socket", (s) => {
        if (!s.connecting) connected = true;
        else s.once("connect", () => (connected = true));
      });
      out.on("timeout", () => out.destroy(new Error("holder did not answer in time")));
      out.on("error", (err: NodeJS.ErrnoException) => {
        clearTimeout(connectTimer);
        const code = err.code ?? "";
        resolve({
          kind: UNREACHABLE.has(code) ? "unreachable" : "failed",
          err,
          reused: out.reusedSocket,
        });
      });
      out.on("response", (res) => {
        clearTimeout(connectTimer);
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (err) => resolve({ kind: "failed", err }));
        res.on("end", () => {
          const relayed: Record<string, string> = {};
          for (const h of RELAYED_HEADERS) {
            const v = res.headers[h];
            if (typeof v === "string") relayed[h] = v;
          }
          resolve({
            kind: "answered",
            status: res.statusCode ?? 502,
            headers: relayed,
            body: Buffer.concat(chunks),
          });
        });
      });
      out.end(body);
    });
  }
}

/** What collector.routes.ts asks before ingesting a push. */
export interface PushDiverter {
  /** true: the push was answered elsewhere (forwarded); false: ingest it here. */
  divert(contractId: string, req: Request, res: Response, body: Buffer): Promise<boolean>;
  close(): void;
}

export function pushDiverter(
  ownership: CollectorOwnership,
  forwarder: PushForwarder,
  registry?: Registry,
): PushDiverter {
  const forwards = new Counter({
    name: "msp_ingest_forwarded_total",
    help: "Pushes sent to the collector holding their contract, by outcome",
    labelNames: ["outcome"] as const,
    registers: registry ? [registry] : [],
  });
  const retry = (why: string) =>
    new AppError("UNAVAILABLE", `ingest temporarily unavailable: ${why}`, [], { retryAfterS: 1 });
  return {
    async divert(contractId, req, res, body) {
      const route = await ownership.route(contractId, req.header(FORWARDED_BY));
      if (route.kind === "local") return false;
      if (route.kind === "retry") throw retry("the contract is moving between collectors");
      const out = await forwarder.send(route.url, req, body);
      if (out.kind === "answered") {
        forwards.inc({ outcome: "answered" });
        res.status(out.status).set(out.headers).send(out.body);
        return true;
      }
      if (out.kind === "unreachable" && (await ownership.takeOver(contractId, route.ownerId))) {
        forwards.inc({ outcome: "taken_over" });
        return false;
      }
      forwards.inc({ outcome: "failed" });
      throw retry("the collector holding the contract did not answer");
    },
    close: () => forwarder.close(),
  };
}
