// What the demo prints once everything runs: where to go, who to log in as, what to watch.
import type { Scenario } from "./host-model.js";
import type { DemoState } from "./setup.js";

const WHAT: Record<Exclude<Scenario["kind"], "healthy">, string> = {
  cpu_spike: "CPU at ~97 %",
  memory_leak: "memory leak",
  disk_fill: "disk filling",
  silent: "agent silent",
};

const ROUTING: Record<string, string> = {
  entry: "watch: e-mail only",
  standard: "first line: pages oncall1, uses 1 of 3 responses",
  advanced: "first line → second line; uses a response",
  premium: "runbook tier; uses a response",
};

export function demoBanner(opts: {
  url: string;
  /** Whether the platform serves its web UI at `/`. */
  webUi: boolean;
  admin: { email: string; password: string };
  state: DemoState;
  intervalS: number;
  credentialsFile: string;
  bundledAgent: string;
}): string {
  const { state, url } = opts;
  const rows = [
    ["admin", opts.admin.email, opts.admin.password],
    ...state.users.map((u) => [u.label, u.email, u.password]),
  ];
  const w0 = Math.max(...rows.map((r) => r[0]!.length));
  const w1 = Math.max(...rows.map((r) => r[1]!.length));
  const creds = rows.map(([a, b, c]) => `    ${a!.padEnd(w0)}  ${b!.padEnd(w1)}  ${c}`);
  const watch = state.contracts.flatMap((c) =>
    c.components.flatMap((comp) => {
      const s = comp.spec?.scenario;
      if (!s || s.kind === "healthy") return [];
      const routing =
        c.plan !== "entry" && !c.incidentRunbook
          ? "watch: NO incident runbook → NOC warning"
          : ROUTING[c.plan];
      return [
        {
          at: s.startS,
          line: `    t+${String(s.startS).padStart(3)} s  ${comp.name.padEnd(17)} ${WHAT[s.kind].padEnd(12)} ${`${s.durationS / 60} min`.padEnd(7)} ${c.plan.padEnd(8)}  ${routing}`,
        },
      ];
    }),
  );
  watch.sort((a, b) => a.at - b.at);
  return [
    "",
    "  ─── MSP platform demo ─────────────────────────────────────────────",
    opts.webUi
      ? `  Open ${url}/ in a browser  (API: ${url}/api/v1/openapi.json, metrics: ${url}/metrics)`
      : `  API: ${url}/api/v1 (document: ${url}/api/v1/openapi.json), metrics: ${url}/metrics`,
    "",
    "  Log in as (passwords are new on every run; also in " + opts.credentialsFile + "):",
    ...creds,
    "",
    `  ${state.contracts.length} contracts (entry, standard ×2, advanced, premium), ` +
      `${state.contracts.reduce((n, c) => n + c.components.length, 0)} components; ` +
      `simulated agents push every ${opts.intervalS} s; ${opts.bundledAgent}.`,
    "",
    "  What to watch — each breach opens an incident (first ones within ~30 s), routed by",
    "  plan, counted against the contract's 3 responses a month, e-mailed to its ja/en",
    "  contacts in the local mailbox; each repeats every 15–20 min:",
    ...watch.map((w) => w.line),
    "",
    "  Follow along:  GET /api/v1/incidents?state=active   GET /api/v1/mailbox",
    "                 GET /api/v1/contracts/{id}/quota     (with the admin's token)",
    "",
    "  Ctrl-C stops the agents and the platform. The next `npm run demo` starts afresh.",
    "",
  ].join("\n");
}
