// The real bundled agent (agents/src/cli.js) reporting this machine as one demo component,
// run as its own process exactly as on a customer VM: config file + token in the environment.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../agents/src/cli.js", import.meta.url));

export interface BundledAgent {
  child: ChildProcess;
  stop(): Promise<void>;
}

export function startBundledAgent(opts: {
  url: string;
  token: string;
  dataDir: string;
  intervalS: number;
  onLog: (line: string) => void;
}): BundledAgent {
  const configPath = join(opts.dataDir, "demo-agent.json");
  // perCpu off keeps a many-core machine inside the default 200-series cap.
  writeFileSync(
    configPath,
    JSON.stringify({ url: opts.url, intervalS: opts.intervalS, perCpu: false, logLevel: "warn" }),
  );
  const child = spawn(process.execPath, [CLI, "--config", configPath], {
    env: { ...process.env, MSP_AGENT_TOKEN: opts.token },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let pending = "";
  child.stderr.on("data", (d: Buffer) => {
    const lines = (pending + d.toString()).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) opts.onLog(line);
  });
  const exited = new Promise<void>((resolve) =>
    child.exitCode !== null ? resolve() : child.once("exit", () => resolve()),
  );
  return {
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM"); // the agent flushes for at most 5 s, then exits 0
      const timer = setTimeout(() => child.kill("SIGKILL"), 7_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
