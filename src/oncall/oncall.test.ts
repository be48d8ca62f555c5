import { beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../access/actor.js";
import { InMemoryAuditLog } from "../audit/testing/in-memory-audit-log.js";
import { inMemoryUnitOfWork } from "../db/unit-of-work.js";
import { fixedClock } from "../infra/clock.js";
import { AppError } from "../shared/errors.js";
import type { OncallDeps } from "./deps.js";
import { addHandoverNote, listHandoverNotes } from "./handover-notes.js";
import {
  addOverride,
  createRotation,
  deleteOverride,
  deleteRotation,
  updateRotation,
} from "./rotations.js";
import { InMemoryOncallStore } from "./testing/in-memory-oncall-store.js";
import { getRotationDetail, whoIsOnCall } from "./who-is-on-call.js";

// Every instant is written in Japan time (+09:00): shifts hand over at 09:00 and 21:00 JST.
const jst = (local: string) => new Date(`${local}+09:00`);
const MISSING = "00000000-0000-4000-8000-000000000000";

let clock: ReturnType<typeof fixedClock>;
let store: InMemoryOncallStore;
let audit: InMemoryAuditLog;
let deps: OncallDeps;
let noc: Actor;
let [a, b, c] = ["", "", ""];

beforeEach(() => {
  clock = fixedClock(jst("2026-12-01T08:00:00"));
  store = new InMemoryOncallStore(clock);
  audit = new InMemoryAuditLog();
  deps = { uow: inMemoryUnitOfWork, oncall: store, audit };
  noc = {
    via: "session",
    userId: store.addUser({ role: "noc" }),
    credentialId: "s1",
    role: "noc",
    contractId: null,
  };
  a = store.addUser({ displayName: "Aoki" });
  b = store.addUser({ displayName: "Baba" });
  c = store.addUser({ displayName: "Chiba" });
});

const rotation = (over: Partial<Parameters<typeof createRotation>[2]> = {}) =>
  createRotation(
    deps,
    noc,
    {
      name: "first line",
      line: "first",
      memberIds: [a, b, c],
      startsAt: "2026-12-01T09:00:00+09:00",
      shiftHours: 12,
      ...over,
    },
    clock.now(),
  );

const failure = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const e = err as AppError;
  return { code: e.code, paths: (e.issues ?? []).map((i) => i.path), issues: e.issues ?? [] };
};

describe(whoIsOnCall.name, () => {
  it("hands 12-hour shifts to the members in order, wrapping, at 09:00 and 21:00 JST", async () => {
    await rotation();
    const at = async (local: string) => (await whoIsOnCall(deps, jst(local))).first?.displayName;
    expect(await at("2026-12-01T09:00:00")).toBe("Aoki");
    expect(await at("2026-12-01T20:59:59")).toBe("Aoki");
    expect(await at("2026-12-01T21:00:00")).toBe("Baba");
    expect(await at("2026-12-02T09:00:00")).toBe("Chiba");
    expect(await at("2026-12-02T21:00:00")).toBe("Aoki");
    expect(await at("2026-12-31T23:30:00")).toBe("Baba"); // shift 61 since the start
  });

  it("has nobody on call before the rotation starts or on a line without a rotation", async () => {
    await rotation();
    expect(await whoIsOnCall(deps, jst("2026-12-01T08:59:59"))).toEqual({
      first: null,
      second: null,
    });
  });

  it("lets an override win for its half-open period, then returns to the schedule", async () => {
    const r = await rotation();
    await addOverride(
      deps,
      noc,
      r.id,
      {
        userId: c,
        startsAt: "2026-12-01T12:00:00+09:00",
        endsAt: "2026-12-01T15:00:00+09:00",
        note: null,
      },
      clock.now(),
    );
    const at = (local: string) => whoIsOnCall(deps, jst(local));
    expect((await at("2026-12-01T11:59:59")).first).toMatchObject({ userId: a, overridden: false });
    expect((await at("2026-12-01T12:00:00")).first).toEqual({
      userId: c,
      displayName: "Chiba",
      rotationId: r.id,
      overridden: true,
    });
    expect((await at("2026-12-01T15:00:00")).first).toMatchObject({ userId: a, overridden: false });
  });

  it("answers each line from its own rotation", async () => {
    await rotation({ memberIds: [a] });
    await rotation({ name: "second line", line: "second", memberIds: [b, c], shiftHours: 24 });
    const now = await whoIsOnCall(deps, jst("2026-12-02T10:00:00"));
    expect([now.first?.userId, now.second?.userId]).toEqual([a, c]);
  });

  it("consults the earliest-created rotation of a line first", async () => {
    await rotation({ memberIds: [b] });
    clock.advance(60_000);
    await rotation({ memberIds: [c] });
    expect((await whoIsOnCall(deps, jst("2026-12-01T10:00:00"))).first?.userId).toBe(b);
  });
});

describe(createRotation.name, () => {
  it("stores the rotation and audits it in the same transaction", async () => {
    const r = await rotation();
    expect(r).toMatchObject({ line: "first", memberIds: [a, b, c], shiftHours: 12 });
    expect(r.startsAt).toBe("2026-12-01T00:00:00.000Z");
    expect((await getRotationDetail(deps, r.id)).overrides).toEqual([]);
    expect(audit.rows).toEqual([
      expect.objectContaining({
        action: "oncall.rotation.create",
        entityId: r.id,
        actorId: noc.userId,
        before: null,
        after: r,
      }),
    ]);
  });

  it("refuses members that are not enabled staff, naming each bad member", async () => {
    const customer = store.addUser({ role: "customer" });
    const disabled = store.addUser({ disabledAt: jst("2026-11-01T00:00:00") });
    const res = await failure(rotation({ memberIds: [a, customer, MISSING, disabled, a] }));
    expect(res.code).toBe("VALIDATION");
    expect(res.paths).toEqual(["memberIds[1]", "memberIds[2]", "memberIds[3]", "memberIds[4]"]);
    expect(res.issues.map((i) => i.message)).toEqual([
      "user has role customer; needs oncall, noc or admin",
      "no such user",
      "user is disabled",
      "is listed twice",
    ]);
    expect(store.rotations.size).toBe(0);
    expect(audit.rows).toEqual([]);
  });
});

describe(updateRotation.name, () => {
  it("changes the schedule and audits before and after", async () => {
    const r = await rotation();
    clock.advance(3_600_000);
    const after = await updateRotation(deps, noc, r.id, { memberIds: [c, a] }, clock.now());
    expect(after.memberIds).toEqual([c, a]);
    expect(after.updatedAt).toBe(clock.now().toISOString());
    expect((await whoIsOnCall(deps, jst("2026-12-01T10:00:00"))).first?.userId).toBe(c);
    expect(audit.rows[1]).toMatchObject({
      action: "oncall.rotation.update",
      before: { memberIds: [a, b, c] },
      after: { memberIds: [c, a] },
    });
  });

  it("checks new members and refuses an unknown rotation", async () => {
    const r = await rotation();
    const bad = await failure(
      updateRotation(deps, noc, r.id, { memberIds: [MISSING] }, clock.now()),
    );
    expect([bad.code, bad.paths]).toEqual(["VALIDATION", ["memberIds[0]"]]);
    expect(store.rotations.get(r.id)?.memberIds).toEqual([a, b, c]);
    const missing = await failure(
      updateRotation(deps, noc, MISSING, { shiftHours: 8 }, clock.now()),
    );
    expect(missing.code).toBe("NOT_FOUND");
  });
});

describe(deleteRotation.name, () => {
  it("deletes the rotation with its overrides, keeps hand-over notes and audits what went", async () => {
    const r = await rotation();
    const o = await addOverride(
      deps,
      noc,
      r.id,
      {
        userId: b,
        startsAt: "2026-12-01T10:00:00+09:00",
        endsAt: "2026-12-01T11:00:00+09:00",
        note: "swap",
      },
      clock.now(),
    );
    await addHandoverNote(
      deps,
      noc,
      { note: "disk on db-1 at 85%", rotationId: r.id },
      clock.now(),
    );
    await deleteRotation(deps, noc, r.id, clock.now());
    expect([store.rotations.size, store.overrides.size, store.notes.length]).toEqual([0, 0, 1]);
    expect(audit.rows.at(-1)).toMatchObject({
      action: "oncall.rotation.delete",
      before: { id: r.id, overrides: [{ id: o.id, note: "swap" }] },
      after: null,
    });
    expect(await whoIsOnCall(deps, jst("2026-12-01T10:30:00"))).toEqual({
      first: null,
      second: null,
    });
    expect((await failure(deleteRotation(deps, noc, r.id, clock.now()))).code).toBe("NOT_FOUND");
  });
});

describe(addOverride.name, () => {
  const cover = (userId: string, startsAt: string, endsAt: string) => ({
    userId,
    startsAt,
    endsAt,
    note: null,
  });

  it("refuses an override that does not end after it starts, naming endsAt", async () => {
    const r = await rotation();
    const t = "2026-12-01T12:00:00+09:00";
    const res = await failure(addOverride(deps, noc, r.id, cover(b, t, t), clock.now()));
    expect([res.code, res.paths]).toEqual(["VALIDATION", ["endsAt"]]);
    expect(store.overrides.size).toBe(0);
  });

  it("refuses a cover who is not enabled staff, and an unknown rotation", async () => {
    const r = await rotation();
    const customer = store.addUser({ role: "customer" });
    const period = ["2026-12-01T12:00:00+09:00", "2026-12-01T13:00:00+09:00"] as const;
    const res = await failure(
      addOverride(deps, noc, r.id, cover(customer, ...period), clock.now()),
    );
    expect([res.code, res.paths]).toEqual(["VALIDATION", ["userId"]]);
    const missing = await failure(
      addOverride(deps, noc, MISSING, cover(b, ...period), clock.now()),
    );
    expect(missing.code).toBe("NOT_FOUND");
    expect(store.overrides.size).toBe(0);
  });
});

describe(deleteOverride.name, () => {
  it("puts the scheduled member back on call and audits the removed override", async () => {
    const r = await rotation();
    const o = await addOverride(
      deps,
      noc,
      r.id,
      {
        userId: c,
        startsAt: "2026-12-01T09:00:00+09:00",
        endsAt: "2026-12-02T09:00:00+09:00",
        note: null,
      },
      clock.now(),
    );
    expect((await whoIsOnCall(deps, jst("2026-12-01T10:00:00"))).first?.userId).toBe(c);
    await deleteOverride(deps, noc, o.id, clock.now());
    expect((await whoIsOnCall(deps, jst("2026-12-01T10:00:00"))).first?.userId).toBe(a);
    expect(audit.rows.at(-1)).toMatchObject({
      action: "oncall.override.delete",
      entityType: "oncall_override",
      before: { id: o.id, userId: c },
    });
    expect((await failure(deleteOverride(deps, noc, o.id, clock.now()))).code).toBe("NOT_FOUND");
  });
});

describe(addHandoverNote.name, () => {
  it("lists notes newest first, per rotation when asked, with the total", async () => {
    const r = await rotation();
    await addHandoverNote(deps, noc, { note: "general", rotationId: null }, clock.now());
    clock.advance(60_000);
    await addHandoverNote(deps, noc, { note: "first", rotationId: r.id }, clock.now());
    clock.advance(60_000);
    await addHandoverNote(deps, noc, { note: "second", rotationId: r.id }, clock.now());
    const all = await listHandoverNotes(deps, { limit: 2, offset: 0 });
    expect([all.items.map((n) => n.note), all.total]).toEqual([["second", "first"], 3]);
    const mine = await listHandoverNotes(deps, { rotationId: r.id, limit: 10, offset: 1 });
    expect([mine.items.map((n) => n.note), mine.total]).toEqual([["first"], 2]);
    expect(audit.actions().filter((x) => x === "oncall.handover_note.create")).toHaveLength(3);
  });

  it("refuses a note on an unknown rotation, naming rotationId", async () => {
    const res = await failure(
      addHandoverNote(deps, noc, { note: "x", rotationId: MISSING }, clock.now()),
    );
    expect([res.code, res.paths]).toEqual(["VALIDATION", ["rotationId"]]);
    expect(store.notes).toEqual([]);
  });
});
