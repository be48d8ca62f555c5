import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/infra/logger.js";
import { expireSessions } from "../../src/realtime/realtime-server.js";
import { createRealtimeStore } from "../../src/realtime/realtime.store.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";
import {
  collect,
  connect,
  fireAlert,
  nextEvent,
  drained,
  waitFor,
  type ConnectError,
} from "./realtime.helpers.js";

// The realtime role end to end: handshake auth with the REST credentials, server-decided
// rooms, incident deltas per room, and refusals that keep the socket up.
describe("realtime: handshake, rooms and incident deltas", () => {
  let app: TestApp;
  let a: { contract: { id: string }; components: { id: string }[] };
  let b: { contract: { id: string }; components: { id: string }[] };
  let customerA: { token: string };
  let noc: { token: string };
  const sockets: Socket[] = [];
  const open = async (opts: Parameters<typeof connect>[1]) => {
    const s = await connect(app.url, opts);
    sockets.push(s);
    return s;
  };
  const target = (c: typeof a) => ({
    contractId: c.contract.id,
    componentId: c.components[0]!.id,
  });

  beforeAll(async () => {
    app = await startTestApp({ env: { ROLES: "api,collector,realtime" } });
    a = await makeContract(app.api, { plan: "entry" });
    b = await makeContract(app.api, { plan: "entry" });
    customerA = await makeUser(app.api, "customer", a.contract.id);
    noc = await makeUser(app.api, "noc");
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));
  afterAll(() => app?.stop());

  it("refuses a handshake without credentials or with a bad token, saying why", async () => {
    const none = await connect(app.url).catch((e: ConnectError) => e);
    expect(none).toBeInstanceOf(Error);
    expect((none as ConnectError).data).toMatchObject({ code: "UNAUTHORIZED" });
    expect((none as ConnectError).message).toMatch(/missing credentials/);
    const bad = await connect(app.url, { token: "not-a-session" }).catch((e: ConnectError) => e);
    expect((bad as ConnectError).data).toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("accepts the session cookie and an API key", async () => {
    const viaCookie = await open({ cookie: `msp_session=${encodeURIComponent(noc.token)}` });
    expect(viaCookie.connected).toBe(true);
    const key = await app.api("post", "/api-keys", { token: noc.token, body: { name: "board" } });
    expect(key.status).toBe(201);
    const viaKey = await open({ token: key.body.secret });
    const ack = await viaKey.emitWithAck("join", { room: "noc" });
    expect(ack).toMatchObject({ ok: true, room: "noc" });
  });

  it("refuses a session cookie sent from a foreign origin", async () => {
    const err = await connect(app.url, {
      cookie: `msp_session=${noc.token}`,
      origin: "https://evil.example",
    }).catch((e: ConnectError) => e);
    expect((err as ConnectError).data?.message).toMatch(/foreign origin/);
  });

  it("sends every contract's incidents to noc and only its own to a customer", async () => {
    const staff = await open({ token: noc.token });
    const cust = await open({ token: customerA.token });
    const staffSeen = collect(staff, "incident");
    const custSeen = collect(cust, "incident");
    const inB = await fireAlert(app, target(b), "disk full");
    const inA = await fireAlert(app, target(a), "cpu high");
    await waitFor(custSeen, (e) => e.incident.id === inA);
    await waitFor(staffSeen, (e) => e.incident.id === inA);
    expect(staffSeen.map((e) => e.incident.id)).toContain(inB);
    expect(custSeen.every((e) => e.incident.contractId === a.contract.id)).toBe(true);
    expect(custSeen.map((e) => e.incident.id)).not.toContain(inB);
    const opened = custSeen.find((e) => e.kind === "opened")!;
    expect(opened).toMatchObject({
      version: opened.event.id,
      incident: {
        id: inA,
        contractId: a.contract.id,
        componentName: "vm-01",
        state: "open",
        severity: "critical",
        ruleName: "cpu high",
        value: 97,
        threshold: 90,
      },
      event: { kind: "opened", actorName: "rule engine", customerVisible: true },
    });
    expect(Number(opened.version)).toBeGreaterThan(0);
    // The customer's copy carries no NOC-internal field; the NOC's does.
    for (const f of ["escalationLevel", "assigneeId", "repeatCount"]) {
      expect(opened.incident).not.toHaveProperty(f);
      expect(staffSeen.find((e) => e.incident.id === inA)!.incident).toHaveProperty(f);
    }
  });

  it("keeps internal notes out of customer rooms", async () => {
    const id = await fireAlert(app, target(a), "memory high");
    const staff = await open({ token: noc.token });
    const cust = await open({ token: customerA.token });
    const custSeen = collect(cust, "incident");
    const staffSeen = collect(staff, "incident");
    for (const customerVisible of [false, true]) {
      const res = await app.api("post", `/incidents/${id}/notes`, {
        token: noc.token,
        body: { note: `visible=${customerVisible}`, customerVisible },
      });
      expect(res.status).toBe(200);
    }
    await waitFor(staffSeen, (e) => e.event.note === "visible=false");
    await waitFor(custSeen, (e) => e.event.note === "visible=true");
    await drained(cust);
    expect(custSeen.map((e) => e.event.note)).toEqual(["visible=true"]);
  });

  it("refuses a customer the noc room and another contract's room, socket stays up", async () => {
    const cust = await open({ token: customerA.token });
    const errors = collect(cust, "error");
    const toNoc = await cust.emitWithAck("join", { room: "noc" });
    expect(toNoc).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const toB = await cust.emitWithAck("join", { room: `contract:${b.contract.id}` });
    expect(toB.error.issues).toEqual([expect.objectContaining({ path: "room" })]);
    expect(errors.map((e) => e.event)).toEqual(["join", "join"]);
    const own = await cust.emitWithAck("join", { room: `contract:${a.contract.id}` });
    expect(own).toMatchObject({ ok: true });
    // Still not in B's room: B's incidents do not reach this socket.
    const seen = collect(cust, "incident");
    const inB = await fireAlert(app, target(b), "net down");
    await drained(cust);
    expect(seen.map((e) => e.incident.id)).not.toContain(inB);
    expect(cust.connected).toBe(true);
  });

  it("answers malformed messages with an error event naming the field", async () => {
    const staff = await open({ token: noc.token });
    const errors = collect(staff, "error");
    staff.emit("join", { room: "lobby" });
    staff.emit("join", "noc");
    const resync = await staff.emitWithAck("resync", { since: -1 });
    expect(resync).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    expect(resync.error.issues[0].path).toBe("since");
    const extra = await staff.emitWithAck("subscribe:series", { componentId: "x", evil: 1 });
    expect(extra.error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      "",
      "componentId",
    ]);
    await drained(staff);
    expect(errors[0]).toMatchObject({ event: "join", code: "VALIDATION" });
    expect(errors[0].issues[0].path).toBe("room");
    expect(errors[1].issues[0].path).toBe("");
    expect(staff.connected).toBe(true);
    expect(await staff.emitWithAck("join", { room: "noc" })).toMatchObject({ ok: true });
  });

  it("disconnects an idle socket whose session expired, not one on a valid API key", async () => {
    const cust = await open({ token: customerA.token });
    const key = await app.api("post", "/api-keys", { token: noc.token, body: { name: "wall" } });
    const wall = await open({ token: key.body.secret });
    const errors = collect(cust, "error");
    const disconnected = nextEvent(cust, "disconnect");
    app.clock.advance(13 * 3_600_000);
    try {
      await expireSessions(app.platform.realtime!.io, {
        store: createRealtimeStore(app.platform.db.dataSource),
        clock: app.clock,
        log: createLogger("silent"),
      });
      await disconnected;
      expect(errors).toEqual([expect.objectContaining({ event: "session", code: "UNAUTHORIZED" })]);
      await drained(wall); // answers: still connected and authenticated
      expect(wall.connected).toBe(true);
    } finally {
      app.clock.advance(-13 * 3_600_000);
    }
  });

  it("re-checks the session at join: an expired one is refused and disconnected", async () => {
    const cust = await open({ token: customerA.token });
    const disconnected = nextEvent(cust, "disconnect");
    app.clock.advance(13 * 3_600_000); // past the 12 h session TTL
    try {
      const ack = await cust.emitWithAck("join", { room: `contract:${a.contract.id}` });
      expect(ack).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
      await disconnected;
      const again = await connect(app.url, { token: customerA.token }).catch(
        (e: ConnectError) => e,
      );
      expect((again as ConnectError).data).toMatchObject({ code: "UNAUTHORIZED" });
    } finally {
      app.clock.advance(-13 * 3_600_000);
    }
  });
});
