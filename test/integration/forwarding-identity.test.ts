import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { uncompress } from "snappyjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeWriteRequest, postRemoteWrite } from "../../src/ingest/test-helpers.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract } from "../support/factories.js";

// Forwarded series carry the tenant identity the platform vouches for: two tenants'
// identical series arrive apart, and a tenant's own contract_id / component_id labels are
// replaced by the pushing token's.
describe("forwarding: tenant identity", () => {
  let app: TestApp;
  let server: Server;
  const received: Record<string, string>[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const m = decodeWriteRequest(uncompress(new Uint8Array(Buffer.concat(chunks))));
        for (const t of m.timeseries)
          received.push(Object.fromEntries(t.labels.map((l) => [l.name, l.value])));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    app = await startTestApp({
      env: { FORWARD_REMOTE_WRITE_URL: `http://127.0.0.1:${port}/api/v1/write` },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await new Promise((r) => server?.close(r));
  });

  it("sets contract_id and component_id from the token, replacing the tenant's", async () => {
    const a = await makeContract(app.api);
    const b = await makeContract(app.api);
    const push = async (componentId: string, labels: Record<string, string>) => {
      const token = (await app.api("post", `/components/${componentId}/agent-token`)).body.token;
      const res = await postRemoteWrite(app.url, token, [
        { labels, samples: [[app.clock.now().getTime() - 1_000, 1]] },
      ]);
      expect(res.status).toBe(200);
    };
    const aComp = a.components[0].id as string;
    const bComp = b.components[0].id as string;
    await push(aComp, { __name__: "fwd_probe", instance: "web1" });
    await push(bComp, { __name__: "fwd_probe", instance: "web1" });
    await push(bComp, {
      __name__: "fwd_spoof",
      contract_id: a.contract.id,
      component_id: aComp,
    });
    const started = Date.now();
    while (received.length < 3 && Date.now() - started < 10_000)
      await new Promise((r) => setTimeout(r, 100));
    const probes = received.filter((l) => l.__name__ === "fwd_probe");
    expect(probes).toEqual(
      expect.arrayContaining([
        {
          __name__: "fwd_probe",
          instance: "web1",
          contract_id: a.contract.id,
          component_id: aComp,
        },
        {
          __name__: "fwd_probe",
          instance: "web1",
          contract_id: b.contract.id,
          component_id: bComp,
        },
      ]),
    );
    expect(received.find((l) => l.__name__ === "fwd_spoof")).toEqual({
      __name__: "fwd_spoof",
      contract_id: b.contract.id,
      component_id: bComp,
    });
  });
});
