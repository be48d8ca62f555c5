// `npm run demo`: the platform on its embedded defaults with demo tenants and agents.
import "reflect-metadata";
import { DataDirLockedError } from "../db/data-dir-lock.js";
import { ConfigError } from "../infra/config.js";
import { DemoDataDirError } from "./data-dir.js";
import { runDemo } from "./run-demo.js";

try {
  process.stdout.write("  Starting the demo (fresh embedded database, demo tenants, agents)…\n");
  const demo = await runDemo(process.env);
  process.stdout.write(demo.banner);
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write("\n  Stopping agents and platform…\n");
    demo.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
} catch (err) {
  if (
    err instanceof ConfigError ||
    err instanceof DataDirLockedError ||
    err instanceof DemoDataDirError
  ) {
    console.error(err.message);
    process.exit(err instanceof ConfigError ? 78 : 75);
  }
  console.error(err);
  process.exit(1);
}
