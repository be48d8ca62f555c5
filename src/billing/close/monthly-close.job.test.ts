import type { DataSource } from "typeorm";
import { describe, expect, it } from "vitest";
import { monthlyCloseJob } from "./monthly-close.job.js";

describe(monthlyCloseJob.name, () => {
  it("runs at 00:05 JST on the 1st and closes the JST month that just ended", async () => {
    const sql: unknown[][] = [];
    const db = {
      query: (_: string, params: unknown[]) => (sql.push(params), Promise.resolve([])),
    } as unknown as DataSource;
    const job = monthlyCloseJob({ db });
    expect([job.name, job.cron]).toEqual(["monthly-close", "5 0 1 * *"]);
    // 2026-12-01 00:05 JST is still 2026-11-30 in UTC.
    expect(await job.run(new Date("2026-11-30T15:05:00Z"))).toEqual({
      month: "2026-11",
      considered: 0,
      issued: 0,
      failed: [],
    });
    // The first query loads the stored tariff versions (no parameters); then the contracts.
    expect(sql.find((params) => params !== undefined)).toContain("2026-11");
  });
});
