// Cron adapter only: at 00:05 JST on the 1st, close the month that just ended.
import { jstMonthOf } from "../../domain/time/jst.js";
import { addMonths } from "../../domain/time/month.js";
import type { JobDef } from "../../infra/scheduler.js";
import { runMonthlyClose, type CloseDeps } from "./run-close.js";

export function monthlyCloseJob(deps: CloseDeps): JobDef {
  return {
    name: "monthly-close",
    cron: "5 0 1 * *",
    run: (now) => runMonthlyClose({ deps, month: addMonths(jstMonthOf(now.getTime()), -1), now }),
  };
}
