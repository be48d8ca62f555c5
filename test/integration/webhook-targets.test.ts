import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryError } from "../../src/notify/channels/channel.js";
import { createWebhookStore } from "../../src/notify/webhook.store.js";
import { webhookChannel } from "../../src/notify/channels/webhook.channel.js";
import type { ClaimedMessage } from "../../src/notify/outbox.store.js";
import { webhookPolicy, type WebhookTargetPolicy } from "../../src/notify/webhook-target.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";

// SSRF through webhooks: forbidden targets are refused at registration (the field named),
// and again at connect time on the address actually resolved (a name re-pointed after
// registration), for every delivery; redirects are not followed. The operator's allow-list
// (WEBHOOK_ALLOW_PRIVATE_CIDRS) lets staff endpoints reach internal receivers, never customers.
const FORBIDDEN = [
  "https://127.0.0.1/hook",
  "https://localhost/hook", // a name that resolves to loopback
  "https://localhost./hook",
  "https://[::1]/hook",
  "https://0x7f000001/hook",
  "https://2130706433/hook",
  "https://127.1/hook",
  "https://017700000001/hook",
  "https://[::ffff:127.0.0.1]/hook",
  "https://[::ffff:7f00:1]/hook",
  "https://169.254.169.254/latest/meta-data/",
  "https://[::ffff:169.254.169.254]/",
  "https://[fe80::1]/",
  "https://[fd00:ec2::254]/",
  "https://10.0.0.1/",
  "https://172.16.5.4/",
  "https://192.168.1.1/",
  "https://100.64.0.1/",
  "https://0.0.0.0/",
  "https://[::]/",
  "https://224.0.0.1/",
  "https://255.255.255.255/",
  "https://[ff02::1]/",
  "https://[64:ff9b::7f00:1]/",
];

describe("webhook targets", () => {
  let app: TestApp;
  let customer: { token: string };
  let contractId: string;
  let receiver: { server: Server; port: number; hits: string[]; status: number };

  beforeAll(async () => {
    app = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_CIDRS: "127.0.0.0/8" } });
    contractId = (await makeContract(app.api)).contract.id;
    customer = await makeUser(app.api, "customer", contractId);
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url ?? "");
      req.resume();
      if (receiver.status >= 300 && receiver.status < 400)
        res.writeHead(receiver.status, { location: "http://127.0.0.1:1/elsewhere" });
      else res.writeHead(receiver.status);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    receiver = { server, port: (server.address() as AddressInfo).port, hits, status: 204 };
  });
  afterAll(async () => {
    await app?.stop();
    await new Promise((r) => receiver?.server.close(r));
  });

  it("refuses every loopback, private, link-local, metadata and special address, naming url", async () => {
    for (const url of FORBIDDEN) {
      for (const who of [customer.token, app.adminToken]) {
        const res = await app.api("post", "/webhooks", {
          token: who,
          body: { name: "x", url, ...(who === app.adminToken ? { contractId } : {}) },
        });
        expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body.issues[0].path).toBe("url");
      }
    }
    // The allow-list is for staff endpoints only: a staff endpoint outside it is refused too.
    for (const url of ["http://10.1.2.3/", "http://169.254.169.254/", "http://[::1]/"]) {
      const staff = await app.api("post", "/webhooks", { body: { name: "pager", url } });
      expect(staff.status, url).toBe(400);
      expect(staff.body.issues[0]).toMatchObject({ path: "url" });
    }
    const none = await app.api("get", "/webhooks");
    expect(none.body.total).toBe(0);
  });

  it("accepts public addresses and names, and staff endpoints inside the allow-list", async () => {
    for (const url of [
      "https://93.184.215.14/hook",
      // Literal public addresses: accepted without any lookup or traffic.
      "https://[2606:2800:220:1:248:1893:25c8:1946]/hook",
    ]) {
      const res = await app.api("post", "/webhooks", {
        token: customer.token,
        body: { name: "chat", url },
      });
      expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(201);
    }
    const staff = await app.api("post", "/webhooks", {
      body: { name: "pager", url: `http://127.0.0.1:${receiver.port}/page` },
    });
    expect(staff.status, JSON.stringify(staff.body)).toBe(201);
  });

  const message = (recipient: string): ClaimedMessage => ({
    id: "00000000-0000-4000-8000-000000000001",
    idempotencyKey: "k",
    queuedAt: new Date(0),
    channel: "webhook",
    recipient,
    contractId: null,
    incidentId: null,
    event: "incident.opened",
    language: "en",
    payload: { body: { hello: "world" } },
    attempts: 0,
  });
  const endpoint = async (url: string, owner: string | null) =>
    (
      await app.platform.db.dataSource.query<{ id: string }[]>(
        `INSERT INTO webhook_endpoints (contract_id, name, url, secret, events)
         VALUES ($1, 'raw', $2, 's', '[]') RETURNING id`,
        [owner, url],
      )
    )[0]!.id;
  const deliver = async (id: string, targets: WebhookTargetPolicy) =>
    webhookChannel({
      endpoints: createWebhookStore(app.platform.db.dataSource),
      clock: app.clock,
      targets,
    })
      .send(message(id))
      .then(
        (r) => r,
        (e: unknown) => e,
      );
  const allowLocal = webhookPolicy(["127.0.0.0/8"]);

  it("checks the resolved address at connect time: a name pointing at loopback is never contacted", async () => {
    const hitsBefore = receiver.hits.length;
    // Stored without the registration check, as if DNS changed after registration.
    const rebound = await endpoint(`http://localhost:${receiver.port}/rebound`, contractId);
    const refused = await deliver(rebound, allowLocal); // customers never get the allow-list
    expect(refused).toBeInstanceOf(DeliveryError);
    expect(refused).toMatchObject({ reason: "forbidden_target", kind: "permanent" });
    // A resolver that maps an innocent-looking name to loopback: refused before connecting.
    const named = await endpoint(`http://hooks.partner.example:${receiver.port}/named`, null);
    const fakeDns: WebhookTargetPolicy = {
      allowPrivate: [],
      lookup: (_host, _opts, cb) => cb(null, [{ address: "127.0.0.1", family: 4 }]),
    };
    expect(await deliver(named, fakeDns)).toMatchObject({ reason: "forbidden_target" });
    // A literal address is checked too (no name to resolve), also for staff endpoints.
    const literal = await endpoint(`http://127.0.0.1:${receiver.port}/literal`, null);
    expect(await deliver(literal, webhookPolicy([]))).toMatchObject({
      reason: "forbidden_target",
    });
    const mapped = await endpoint(`http://[::ffff:127.0.0.1]:${receiver.port}/mapped`, contractId);
    expect(await deliver(mapped, allowLocal)).toMatchObject({ reason: "forbidden_target" });
    expect(receiver.hits.length).toBe(hitsBefore); // nothing reached the receiver

    // The same staff endpoint inside the operator's allow-list is delivered.
    expect(await deliver(literal, allowLocal)).toEqual({ providerId: "http 204" });
    const viaName = await deliver(named, {
      allowPrivate: allowLocal.allowPrivate,
      lookup: fakeDns.lookup!,
    });
    expect(viaName).toEqual({ providerId: "http 204" });
    expect(receiver.hits.slice(hitsBefore)).toEqual(["/literal", "/named"]);
  });

  it("does not follow redirects", async () => {
    const staff = await endpoint(`http://127.0.0.1:${receiver.port}/redirect`, null);
    receiver.status = 302;
    const hitsBefore = receiver.hits.length;
    try {
      expect(await deliver(staff, allowLocal)).toMatchObject({ reason: "http_302" });
    } finally {
      receiver.status = 204;
    }
    expect(receiver.hits.slice(hitsBefore)).toEqual(["/redirect"]);
  });
});
