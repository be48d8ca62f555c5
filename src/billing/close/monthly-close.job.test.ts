import { describe, expect, it } from "vitest";
import { inMemoryUnitOfWork } from "../../db/unit-of-work.js";
import { TARIFF_VERSIONS } from "../../domain/billing/tariff.js";
import type { CloseStore } from "./close.store.js";
import { monthlyCloseJob } from "./monthly-close.job.js";

describe(monthlyCloseJob.name, () => {
  it("runs at 00:05 JST on the 1st and closes the JST month that just ended", async () => {
    const asked: string[] = [];
    const store = {
      tariffVersions: () => Promise.resolve([...TARIFF_VERSIONS]),
      billableContracts: (month: string) => (asked.push(month), Promise.resolve([])),
    } as Partial<CloseStore> as CloseStore;
    const job = monthlyCloseJob({ uow: inMemoryUnitOfWork, store });
    expect([job.name, job.cron]).toEqual(["monthly-close", "5 0 1 * *"]);
    // 2026-12-01 00:05 JST is still 2026-11-30 in UTC.
    expect(await job.run(new Date("2026-11-30T15:05:00Z"))).toEqual({
      month: "2026-11",
      considered: 0,
      issued: 0,
      failed: [],
    });
    expect(asked).toEqual(["2026-11"]);
  });
});
