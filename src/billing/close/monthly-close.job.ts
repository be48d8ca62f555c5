// Cron adapter only: at 00:05 JST on the 1st, close the month that just ended.
import type { DataSource } from "typeorm";
import { jstMonthOf } from "../../domain/time/jst.js";
import { addMonths } from "../../domain/time/month.js";
import type { JobDef } from "../../infra/scheduler.js";
import { runMonthlyClose, type OnInvoicesIssued } from "./run-close.js";
import { noUsage, type UsageSource } from "./usage-source.js";

export function monthlyCloseJob(deps: {
  db: DataSource;
  usage?: UsageSource;
  onInvoicesIssued?: OnInvoicesIssued;
}): JobDef {
  return {
    name: "monthly-close",
    cron: "5 0 1 * *",
    run: (now) =>
      runMonthlyClose({
        deps: {
          db: deps.db,
          usage: deps.usage ?? noUsage,
          ...(deps.onInvoicesIssued ? { onInvoicesIssued: deps.onInvoicesIssued } : {}),
        },
        month: addMonths(jstMonthOf(now.getTime()), -1),
        now,
      }),
  };
}
