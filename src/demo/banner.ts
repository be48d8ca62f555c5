// What the demo prints once everything runs: where to go, who to log in as, what to watch.
import type { Scenario } from "./host-model.js";
import type { DemoState } from "./setup.js";

const WHAT: Record<Exclude<Scenario["kind"], "healthy">, string> = {
  cpu_spike: "CPU pegged at ~97 % for",
  memory_leak: "memory leak, available memory down to ~3 % for",
  disk_fill: "last filesystem filling to 2 % available for",
  silent: "agent goes silent for",
};

const ROUTING: Record<string, string> = {
  entry: "watch: customer e-mail only",
  standard: "first line: pages on-call 1, takes 1 of the 3 monthly responses",
  advanced: "first line, may escalate to second line; takes a response",
  premium: "runbook tier: first/second line plus runbook tasks; takes a response",
};

export function demoBanner(opts: {
  url: string;
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
          ? "watch: NO incident runbook on file → missing-runbook warning"
          : ROUTING[c.plan];
      return [
        {
          at: s.startS,
          line: `    t+${String(s.startS).padStart(3)} s  ${comp.name.padEnd(18)} ${WHAT[s.kind]} ${s.durationS} s, every ${s.everyS / 60} min  (${c.plan}, ${routing})`,
        },
      ];
    }),
  );
  watch.sort((a, b) => a.at - b.at);
  return [
    "",
    "  ─── MSP platform demo ─────────────────────────────────────────────",
    `  Open ${url}/  (API: ${url}/api/v1/openapi.json, metrics: ${url}/metrics)`,
    "",
    "  Log in as (passwords are new on every run; also in " + opts.credentialsFile + "):",
    ...creds,
    "",
    `  ${state.contracts.length} contracts (entry, standard ×2, advanced, premium), ` +
      `${state.contracts.reduce((n, c) => n + c.components.length, 0)} components; ` +
      `simulated agents push every ${opts.intervalS} s; ${opts.bundledAgent}.`,
    "",
    "  What to watch (each incident is routed by plan, counted against the contract's",
    "  3 responses a month and e-mailed to its ja/en contacts in the local mailbox):",
    ...watch.map((w) => w.line),
    "",
    "  Follow along:  GET /api/v1/incidents?state=active   GET /api/v1/mailbox",
    "                 GET /api/v1/contracts/{id}/quota     (with the admin's token)",
    ...(state.skipped.length
      ? [
          "",
          "  Not set up (the platform does not serve it yet):",
          ...state.skipped.map((s) => `    - ${s}`),
        ]
      : []),
    "",
    "  Ctrl-C stops the agents and the platform. The next `npm run demo` starts afresh.",
    "",
  ].join("\n");
}
