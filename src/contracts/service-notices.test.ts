import { describe, expect, it } from "vitest";
import { addDays, startOfJstDay } from "../domain/calendar/business-days.js";
import { minimumTermEnd, objectionDeadline } from "../domain/contracts/terms.js";
import { fixedClock } from "../infra/clock.js";
import { applyForContract, NewApplication } from "./lifecycle.js";
import { runLifecycle } from "./lifecycle-ops.js";
import { sendServiceNotice, ServiceNoticeInput } from "./service-notices.js";
import { activeContract, STAFF } from "./testing/fixtures.js";
import { inMemoryContracts } from "./testing/in-memory-contracts.js";

const T0 = new Date("2027-01-04T10:00:00+09:00");

function setup() {
  const clock = fixedClock(T0);
  return { clock, ...inMemoryContracts(() => clock.now()) };
}

describe(sendServiceNotice.name, () => {
  it("queues one message per contact of each active contract, once, and audits it", async () => {
    const { deps, state, clock } = setup();
    const active = await activeContract(deps, clock.now(), { startDate: "2027-01-05" });
    await applyForContract(
      deps,
      STAFF,
      NewApplication.parse({
        customerName: "Not yet",
        plan: "entry",
        contacts: [{ name: "A", email: "a@pending.jp", language: "en" }],
      }),
      clock.now(),
    );
    const input = ServiceNoticeInput.parse({
      kind: "terms_change",
      effectiveDate: "2027-04-01",
      text: { ja: "規約を変更します。", en: "The terms change." },
    });
    expect(await sendServiceNotice(deps, STAFF, input, clock.now())).toEqual({ queued: 1 });
    expect(await sendServiceNotice(deps, STAFF, input, clock.now())).toEqual({ queued: 0 });
    expect(state.outbox.map((m) => [m.contractId, m.recipient, m.language])).toEqual([
      [active.id, "ops@example.jp", "ja"],
    ]);
    expect(state.audit.filter((a) => a.action === "notice.terms_change")).toHaveLength(2);
  });
});

describe("renewal reminders (runLifecycle)", () => {
  it("reminds within the 14 days before the objection deadline, once per contact", async () => {
    const { deps, state, clock } = setup();
    await activeContract(deps, clock.now(), { startDate: "2027-01-05" });
    const deadline = objectionDeadline(minimumTermEnd("2027-01-05"));
    const jobAt = (day: string) => new Date(startOfJstDay(day).getTime() + 10 * 60_000);
    expect((await runLifecycle(deps, jobAt(addDays(deadline, -15)))).reminders).toBe(0);
    expect((await runLifecycle(deps, jobAt(addDays(deadline, -14)))).reminders).toBe(1);
    expect((await runLifecycle(deps, jobAt(addDays(deadline, -13)))).reminders).toBe(0);
    expect((await runLifecycle(deps, jobAt(addDays(deadline, 1)))).reminders).toBe(0);
    expect(state.outbox.map((m) => m.event)).toEqual(["contract.renewal_reminder"]);
  });
});
