import "reflect-metadata";
import { systemClock } from "./infra/clock.js";
import { ConfigError, loadConfig } from "./infra/config.js";
import { createLogger } from "./infra/logger.js";
import { startPlatform } from "./platform/platform.js";
import { DataDirLockedError } from "./db/data-dir-lock.js";

let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78); // EX_CONFIG
  }
  throw err;
}
const log = createLogger(config.logLevel);
// A promise nobody awaited that failed is a bug to log, not a reason to stop serving every
// tenant. An uncaught exception leaves the process in an unknown state: log it and exit
// non-zero so the supervisor (compose `restart:`, systemd `Restart=`) starts a clean one.
process.on("unhandledRejection", (reason) => {
  log.error({ err: reason }, "unhandled promise rejection (process continues)");
});
process.on("uncaughtException", (err, origin) => {
  log.fatal({ err, origin }, "uncaught exception: exiting for the supervisor to restart");
  process.exit(70); // EX_SOFTWARE
});
try {
  const platform = await startPlatform(config, { log, clock: systemClock });
  log.info(
    { url: platform.url, database: platform.db.kind, roles: config.roles },
    "platform started",
  );
  if (platform.bootstrapAdmin) {
    // Printed once, on the first start with an empty database; it is not stored anywhere.
    process.stdout.write(
      `\n  First start: an admin account was created.\n  e-mail:   ${platform.bootstrapAdmin.email}\n  password: ${platform.bootstrapAdmin.password}\n  (shown only this once; one-time: change it first, POST /api/v1/auth/password)\n\n`,
    );
  }
  process.stdout.write(`  Platform ready at ${platform.url} (database: ${platform.db.kind})\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    platform.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
} catch (err) {
  if (err instanceof DataDirLockedError) {
    console.error(err.message);
    process.exit(75); // EX_TEMPFAIL
  }
  log.fatal({ err }, "platform failed to start");
  process.exit(1);
}
