// `npm run bench [-- <name>]`: runs the benchmarks and prints one JSON object per line
// (bench/README.md lists the names and their goals). <name> is a group
// (ingest, realtime, scaleout, alert, storm, billing, notify, startup, agent) or a bench name.
import { spawn } from "node:child_process";

type Line = { bench: string; value: number; unit: string; [k: string]: unknown };
type Group = () => Promise<Line[] | void>;

const GROUPS: Record<string, Group> = {
  ingest: async () => {
    const { ingestBenches } = await import("./ingest/index.js");
    const only = process.argv[2]?.startsWith("ingest.") ? process.argv[2] : undefined;
    const out: Line[] = [];
    for (const [name, run] of Object.entries(ingestBenches)) {
      if (only && name !== only && !name.startsWith(`${only}.`)) continue;
      for (const line of await run()) print(line);
    }
    return out;
  },
  realtime: async () => {
    const { main } = await import("./realtime/fanout.bench.js");
    return main();
  },
  scaleout: async () => {
    const { main } = await import("./scaleout/cross-process.bench.js");
    const lines: Line[] = await main();
    lines.forEach(print); // each bench prints as it finishes; the ingest ones take minutes
    const forwarding = await import("./scaleout/forwarding.bench.js");
    const ingest = await import("./scaleout/ingest-scaleout.bench.js");
    const rss = await import("./scaleout/rss-per-series.bench.js");
    for (const run of [forwarding.main, ingest.main, rss.main]) (await run()).forEach(print);
  },
  alert: async () => {
    const { main } = await import("./alert/latency.bench.js");
    return main();
  },
  storm: async () => {
    const { main } = await import("./alert/storm.bench.js");
    return main();
  },
  billing: async () => {
    const mod = (await import("./billing/close.bench.js")) as {
      main: () => Promise<Line[] | void>;
    };
    return mod.main();
  },
  dashboard: async () => {
    const mod = await import("./dashboard/first-render.bench.js");
    return mod.main();
  },
  notify: async () => {
    const mod = (await import("./notify/notify.bench.js")) as {
      main: () => Promise<Line[] | void>;
    };
    return mod.main();
  },
  startup: async () => {
    const mod = await import("./startup/ready.bench.js");
    return mod.main();
  },
  agent: () =>
    new Promise<void>((resolve, reject) => {
      // The agent is its own package and process; its bench prints its own JSON lines.
      const child = spawn(
        process.execPath,
        ["agents/bench/overhead.js", "--duration", process.env.AGENT_BENCH_S ?? "60"],
        { stdio: ["ignore", "inherit", "inherit"] },
      );
      child.on("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`agent bench exited ${code}`)),
      );
    }),
};

function print(line: Line): void {
  process.stdout.write(JSON.stringify(line) + "\n");
}

const wanted = process.argv[2];
const groups = wanted
  ? Object.keys(GROUPS).filter((g) => wanted === g || wanted.startsWith(`${g}.`))
  : Object.keys(GROUPS);
if (wanted && groups.length === 0) {
  console.error(`unknown bench ${wanted}; groups: ${Object.keys(GROUPS).join(", ")}`);
  process.exit(2);
}
for (const g of groups) {
  const lines = await GROUPS[g]!();
  if (Array.isArray(lines) && g !== "ingest") lines.forEach(print);
}
