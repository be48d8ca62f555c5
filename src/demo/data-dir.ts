// Every demo run starts from a fresh data directory: the bootstrap admin's password is only
// known on a first start, and a newcomer should see the same story every time. A marker
// file makes sure we only ever wipe a directory the demo itself created.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { acquireDataDirLock } from "../db/data-dir-lock.js";

export const DEMO_MARKER = ".msp-demo";

export class DemoDataDirError extends Error {
  override name = "DemoDataDirError";
}

/** Empties `dir` (refusing a directory that is not the demo's, or one in use) and marks it. */
export function resetDemoDataDir(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!existsSync(join(dir, DEMO_MARKER))) {
      throw new DemoDataDirError(
        `${dir} exists and was not created by the demo; refusing to delete it (set DEMO_DATA_DIR)`,
      );
    }
    // Throws DataDirLockedError while another demo (or platform) runs on it.
    acquireDataDirLock(dir).release();
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, DEMO_MARKER), "created by `npm run demo`; wiped at its next start\n");
}
