// `npm run build:web`: builds the web UI (web/) into web/dist with Vite. With --if-stale it
// builds only when web/dist is missing or older than any source (what `npm start` and the
// browser tests run first: a no-op in milliseconds when nothing changed). Without Vite
// installed (a production `npm ci --omit=dev`) it warns and leaves web/dist as it is.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WEB = join(ROOT, "web");
const STAMP = join(WEB, "dist", "index.html");
const SOURCES = ["src", "index.html", "vite.config.ts"].map((p) => join(WEB, p));

function newestMtimeMs(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path))
    newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

export function webBuildIsStale(): boolean {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  const lock = join(ROOT, "package-lock.json");
  const inputs = [...SOURCES, ...(existsSync(lock) ? [lock] : [])];
  return inputs.some((p) => existsSync(p) && newestMtimeMs(p) > built);
}

/** Builds web/dist when asked to or when stale; returns whether it built. */
export async function ensureWebBuilt(opts: { force?: boolean } = {}): Promise<boolean> {
  if (!opts.force && !webBuildIsStale()) return false;
  let vite: typeof import("vite");
  try {
    vite = await import("vite");
  } catch {
    console.warn("build-web: vite is not installed; serving the existing web/dist (if any)");
    return false;
  }
  await vite.build({ configFile: join(WEB, "vite.config.ts"), logLevel: "warn" });
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const started = performance.now();
  const built = await ensureWebBuilt({ force: !process.argv.includes("--if-stale") });
  const ms = Math.round(performance.now() - started);
  console.log(built ? `web UI built into web/dist in ${ms} ms` : "web UI is up to date");
}
