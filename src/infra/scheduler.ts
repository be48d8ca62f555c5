import cron from "node-cron";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import type { Clock } from "./clock.js";

export interface JobDef {
  name: string;
  /** node-cron expression, evaluated in Asia/Tokyo. */
  cron: string;
  run: (now: Date) => Promise<unknown>;
  /** Frequent housekeeping logs its runs at debug, not info. */
  quiet?: boolean;
}

/**
 * Runs jobs on a cron schedule in JST. With several instances each run happens on one
 * only: the job body runs under a session-level PostgreSQL advisory lock
 * (`pg_try_advisory_lock`, held on one dedicated connection and released when the body
 * ends), and an instance that does not get it skips the run (the jobs are idempotent).
 */
export function startScheduler(
  deps: { db: DataSource; clock: Clock; log: Logger },
  jobs: readonly JobDef[],
) {
  const tasks = jobs.map((job) =>
    cron.schedule(job.cron, () => void runJobOnce(deps, job), {
      timezone: "Asia/Tokyo",
      name: job.name,
      noOverlap: true,
    }),
  );
  // node-cron types stop() as `void | Promise<void>`; normalise so every stop is awaited.
  return {
    stop: async () => void (await Promise.all(tasks.map((t) => Promise.resolve(t.stop())))),
  };
}

export async function runJobOnce(
  deps: { db: DataSource; clock: Clock; log: Logger },
  job: JobDef,
): Promise<boolean> {
  const qr = deps.db.createQueryRunner();
  try {
    await qr.connect();
    const [{ locked }] = (await qr.query("SELECT pg_try_advisory_lock(hashtext($1)) AS locked", [
      `msp.job.${job.name}`,
    ])) as [{ locked: boolean }];
    if (!locked) return false;
    try {
      const result = await job.run(deps.clock.now());
      deps.log[job.quiet ? "debug" : "info"]({ job: job.name, result }, "job done");
      return true;
    } finally {
      await qr.query("SELECT pg_advisory_unlock(hashtext($1))", [`msp.job.${job.name}`]);
    }
  } catch (err) {
    deps.log.error({ err, job: job.name }, "job failed");
    return false;
  } finally {
    await qr.release();
  }
}
