// Composition of the demo: a fresh embedded platform, the demo tenants created through its
// API, simulated agents for every VM and the real bundled agent for this machine.
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pino } from "pino";
import { loadConfig } from "../infra/config.js";
import { systemClock } from "../infra/clock.js";
import { createLogger } from "../infra/logger.js";
import { startPlatform, type Platform } from "../platform/platform.js";
import { demoBanner } from "./banner.js";
import { startBundledAgent, type BundledAgent } from "./bundled-agent.js";
import { resetDemoDataDir } from "./data-dir.js";
import { generatePassword } from "../accounts/passwords.js";
import { DemoApi } from "./demo-api.js";
import { AgentSimulator } from "./simulator.js";
import { setupDemo, type DemoState } from "./setup.js";

export interface RunningDemo {
  url: string;
  platform: Platform;
  state: DemoState;
  banner: string;
  simulator: AgentSimulator;
  stop(): Promise<void>;
}

export async function runDemo(env: Record<string, string | undefined>): Promise<RunningDemo> {
  const dataDir = resolve(env.DEMO_DATA_DIR || "./data-demo");
  const intervalS = Number(env.DEMO_INTERVAL_S || 5);
  const port = env.PORT || "8080";
  // The demo is the embedded default by definition: PGlite in its own directory, and the
  // local mailbox instead of SMTP, whatever the shell has exported.
  const config = loadConfig({
    ...env,
    DATABASE_URL: undefined,
    SMTP_URL: undefined,
    DATA_DIR: dataDir,
    PORT: port,
    PUBLIC_URL: env.PUBLIC_URL || `http://127.0.0.1:${port}`,
    LOG_LEVEL: env.LOG_LEVEL || "warn",
  });
  resetDemoDataDir(dataDir);
  // Logs go to stderr so the banner on stdout stays readable.
  const log = createLogger(config.logLevel, pino.destination(2));
  const platform = await startPlatform(config, { log, clock: systemClock });
  const stops: (() => Promise<void>)[] = [() => platform.stop()];
  const stopAll = async () => {
    for (const stop of stops.splice(0)) await stop().catch(() => undefined);
  };
  try {
    const bootstrap = platform.bootstrapAdmin;
    if (!bootstrap)
      throw new Error(`${dataDir} already had users: the demo needs a fresh directory`);
    const api = await DemoApi.login(platform.url, bootstrap.email, bootstrap.password);
    // The bootstrap password is one-time (only a password change is allowed with it): the
    // demo replaces it with another generated one, which it prints.
    const admin = { email: bootstrap.email, password: generatePassword() };
    await api.call("post", "/auth/password", {
      currentPassword: bootstrap.password,
      newPassword: admin.password,
    });
    const state = await setupDemo(api, new Date());
    const credentialsFile = join(dataDir, "demo-credentials.txt");
    writeFileSync(
      credentialsFile,
      [
        `admin ${admin.email} ${admin.password}`,
        ...state.users.map((u) => `${u.role} ${u.email} ${u.password}`),
      ].join("\n") + "\n",
      { mode: 0o600 },
    );
    const simulator = new AgentSimulator(
      platform.url,
      simulatedTargets(state),
      intervalS,
      reportOnce(),
    );
    simulator.start();
    stops.unshift(() => simulator.stop());
    const agent = maybeStartAgent(env, platform.url, state, dataDir);
    if (agent) stops.unshift(() => agent.stop());
    const webUi = await fetch(`${platform.url}/`).then(
      (r) => r.ok && (r.headers.get("content-type") ?? "").includes("text/html"),
      () => false,
    );
    const banner = demoBanner({
      url: platform.url,
      webUi,
      admin,
      state,
      intervalS,
      credentialsFile,
      bundledAgent: agent
        ? "the bundled agent reports this machine as fuji-demo-host"
        : "bundled agent off",
    });
    return { url: platform.url, platform, state, banner, simulator, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

function simulatedTargets(state: DemoState) {
  return state.contracts.flatMap((c) =>
    c.components.flatMap((comp) =>
      comp.spec ? [{ componentId: comp.id, token: comp.token, spec: comp.spec }] : [],
    ),
  );
}

function maybeStartAgent(
  env: Record<string, string | undefined>,
  url: string,
  state: DemoState,
  dataDir: string,
): BundledAgent | null {
  const supported = process.platform === "linux" || process.platform === "win32";
  if (env.DEMO_BUNDLED_AGENT === "false" || !supported) return null;
  const host = state.contracts.flatMap((c) => c.components).find((c) => c.spec === null)!;
  return startBundledAgent({
    url,
    token: host.token,
    dataDir,
    intervalS: 10,
    onLog: (line) => process.stderr.write(`[bundled agent] ${line}\n`),
  });
}

/** Prints the first push failure of each VM; a platform in trouble should not flood the screen. */
function reportOnce() {
  const seen = new Set<string>();
  return (message: string) => {
    const vm = message.split(":")[0]!;
    if (seen.has(vm)) return;
    seen.add(vm);
    process.stderr.write(`[simulated agent] push failed: ${message}\n`);
  };
}
