// What the demo creates: one customer per plan (two Standard ones, one of them without an
// incident runbook so the NOC board's missing-runbook warning shows), and the trouble each
// simulated VM runs into. Plain data, so the setup and the simulator stay generic.
import type { Scenario } from "./host-model.js";

export type DemoPlan = "entry" | "standard" | "advanced" | "premium";

export interface DemoComponent {
  name: string;
  /** Cores and memory of the simulated VM (drives the numbers it reports). */
  cpus: number;
  memGiB: number;
  /** Filesystems it reports: mountpoint → size in GiB. */
  disks: Record<string, number>;
  scenario: Scenario;
}

export interface DemoContract {
  key: string;
  customerName: string;
  plan: DemoPlan;
  /** e-mail domain of its contacts and its customer user. */
  domain: string;
  incidentRunbook: boolean;
  opsRunbook: boolean;
  components: DemoComponent[];
}

const vm = (
  name: string,
  scenario: Scenario = { kind: "healthy" },
  size: Partial<Omit<DemoComponent, "name" | "scenario">> = {},
): DemoComponent => ({
  name,
  cpus: size.cpus ?? 2,
  memGiB: size.memGiB ?? 8,
  disks: size.disks ?? { "/": 40, "/var": 100 },
  scenario,
});

// Scenario times are seconds after the simulators start; each repeats every `everyS`, so a
// long-running demo keeps producing incidents. Episodes outlast the default pack's `for`
// (5 min CPU/memory, 1 min disk, 2 min silence), so they open incidents even without the
// demo's short-`for` overrides, which make the first ones open within 30 s.
export const DEMO_CONTRACTS: readonly DemoContract[] = [
  {
    key: "sakura",
    customerName: "さくら製作所 (Sakura Manufacturing)",
    plan: "entry",
    domain: "sakura.example.jp",
    incidentRunbook: false,
    opsRunbook: false,
    components: [
      vm("sakura-web-01", { kind: "memory_leak", startS: 20, durationS: 420, everyS: 1200 }),
      vm("sakura-db-01", { kind: "healthy" }, { memGiB: 16 }),
    ],
  },
  {
    key: "kaede",
    customerName: "かえで物流 (Kaede Logistics)",
    plan: "standard",
    domain: "kaede.example.jp",
    incidentRunbook: true,
    opsRunbook: false,
    components: [
      vm("kaede-app-01", { kind: "cpu_spike", startS: 0, durationS: 360, everyS: 900 }),
      vm("kaede-app-02"),
      vm(
        "kaede-db-01",
        { kind: "healthy" },
        { cpus: 4, memGiB: 32, disks: { "/": 40, "/data": 500 } },
      ),
    ],
  },
  {
    key: "hinoki",
    customerName: "ひのき小売 (Hinoki Retail)",
    plan: "standard",
    domain: "hinoki.example.jp",
    incidentRunbook: false, // deliberately missing: routed as watch, flagged on the NOC board
    opsRunbook: false,
    components: [
      vm("hinoki-shop-01"),
      vm("hinoki-shopdb-01", { kind: "disk_fill", startS: 0, durationS: 240, everyS: 900 }),
    ],
  },
  {
    key: "momiji",
    customerName: "もみじ証券 (Momiji Securities)",
    plan: "advanced",
    domain: "momiji.example.jp",
    incidentRunbook: true,
    opsRunbook: false,
    components: [
      vm("momiji-api-01", { kind: "cpu_spike", startS: 90, durationS: 360, everyS: 1200 }),
      vm("momiji-api-02"),
      vm("momiji-batch-01", { kind: "silent", startS: 60, durationS: 180, everyS: 1200 }),
    ],
  },
  {
    key: "fuji",
    customerName: "ふじメディア (Fuji Media)",
    plan: "premium",
    domain: "fuji.example.jp",
    incidentRunbook: true,
    opsRunbook: true,
    components: [
      vm("fuji-cms-01"),
      vm("fuji-cms-02", { kind: "disk_fill", startS: 240, durationS: 240, everyS: 1200 }),
      vm("fuji-cache-01", { kind: "memory_leak", startS: 30, durationS: 420, everyS: 1200 }),
    ],
  },
];

/** The contract whose extra component is this machine, reported by the real bundled agent. */
export const BUNDLED_AGENT_CONTRACT = "fuji";
export const BUNDLED_AGENT_COMPONENT = "fuji-demo-host";

export const INCIDENT_RUNBOOK = `# Incident response runbook

1. Check the alert in the NOC board; confirm the metric on the component page.
2. CPU high: list top processes (\`top -o %CPU\`); restart the application service if it is
   the app server and the load does not fall within 5 minutes.
3. Disk full: remove rotated logs under /var/log/app; never delete database files.
4. Memory low: restart the application service; open a ticket with the vendor if it repeats.
5. Call the customer's contact (see contacts) before any restart in business hours.
`;

export const OPS_RUNBOOK = `# Operations runbook — monthly tasks

- Apply OS security updates (\`apt-get upgrade\`), reboot one CMS node at a time.
- Rotate the CDN origin certificate when it has less than 30 days left.
- Purge the cache cluster after a CMS release.
`;
