// Creates the demo's contracts, components, runbooks, users, on-call rotations and rule
// overrides through the REST API as the bootstrap admin. A step the platform refuses fails
// the demo (DemoApiError names the route and the answer).
import { randomBytes } from "node:crypto";
import {
  BUNDLED_AGENT_COMPONENT,
  BUNDLED_AGENT_CONTRACT,
  DEMO_CONTRACTS,
  INCIDENT_RUNBOOK,
  OPS_RUNBOOK,
  type DemoComponent,
  type DemoContract,
} from "./catalog.js";
import type { DemoApi } from "./demo-api.js";
import { demoRuleOverrides } from "./demo-rules.js";

export interface DemoUser {
  role: "admin" | "noc" | "oncall" | "customer";
  label: string;
  email: string;
  password: string;
  id?: string;
}

export interface DemoComponentState {
  id: string;
  name: string;
  token: string;
  /** The simulated VM, or null for the component the real bundled agent reports. */
  spec: DemoComponent | null;
}

export interface DemoContractState {
  key: string;
  id: string;
  customerName: string;
  plan: DemoContract["plan"];
  incidentRunbook: boolean;
  components: DemoComponentState[];
}

export interface DemoState {
  contracts: DemoContractState[];
  users: DemoUser[];
}

const password = () => `demo-${randomBytes(9).toString("base64url")}`;
const jstDate = (now: Date) => new Date(now.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);

export async function setupDemo(api: DemoApi, now: Date): Promise<DemoState> {
  const contracts: DemoContractState[] = [];
  for (const c of DEMO_CONTRACTS) contracts.push(await createContract(api, c, now));
  const users: DemoUser[] = [];
  const staff = [
    { role: "noc", label: "NOC staff", email: "noc@msp.local", displayName: "NOC 当番" },
    {
      role: "oncall",
      label: "on-call, first line",
      email: "oncall1@msp.local",
      displayName: "一次対応 佐藤",
    },
    {
      role: "oncall",
      label: "on-call, second line",
      email: "oncall2@msp.local",
      displayName: "Second line Lee",
    },
  ] as const;
  for (const s of staff) users.push(await createUser(api, s, null));
  for (const c of contracts) {
    const domain = DEMO_CONTRACTS.find((d) => d.key === c.key)!.domain;
    users.push(
      await createUser(
        api,
        {
          role: "customer",
          label: `customer, ${c.plan} (${c.key})`,
          email: `user@${domain}`,
          displayName: `${c.key} user`,
        },
        c.id,
      ),
    );
  }
  await createRotations(api, users, now);
  await createRuleOverrides(api, contracts);
  return { contracts, users };
}

async function createContract(
  api: DemoApi,
  c: DemoContract,
  now: Date,
): Promise<DemoContractState> {
  const applied = await api.call<{ id: string }>("post", "/contracts", {
    customerName: c.customerName,
    plan: c.plan,
    contacts: [
      { name: "情報システム部 運用担当", email: `ops@${c.domain}`, language: "ja" },
      { name: "IT Operations", email: `it-ops@${c.domain}`, language: "en" },
    ],
  });
  await api.call("post", `/contracts/${applied.id}/accept`, { startDate: jstDate(now) });
  const components: DemoComponentState[] = [];
  const specs: (DemoComponent | null)[] = [...c.components];
  if (c.key === BUNDLED_AGENT_CONTRACT) specs.push(null);
  for (const spec of specs) {
    const name = spec?.name ?? BUNDLED_AGENT_COMPONENT;
    const made = await api.call<{ id: string }>("post", `/contracts/${applied.id}/components`, {
      name,
      os: "linux",
    });
    const { token } = await api.call<{ token: string }>(
      "post",
      `/components/${made.id}/agent-token`,
    );
    components.push({ id: made.id, name, token, spec });
  }
  await uploadRunbooks(api, applied.id, c);
  return {
    key: c.key,
    id: applied.id,
    customerName: c.customerName,
    plan: c.plan,
    incidentRunbook: c.incidentRunbook,
    components,
  };
}

async function uploadRunbooks(api: DemoApi, contractId: string, c: DemoContract) {
  if (c.incidentRunbook) {
    await api.call("post", `/contracts/${contractId}/runbooks`, {
      kind: "incident",
      name: "Incident response",
      content: INCIDENT_RUNBOOK,
    });
  }
  if (c.opsRunbook) {
    await api.call("post", `/contracts/${contractId}/runbooks`, {
      kind: "ops",
      name: "Monthly operations",
      content: OPS_RUNBOOK,
    });
  }
}

async function createUser(
  api: DemoApi,
  u: { role: DemoUser["role"]; label: string; email: string; displayName: string },
  contractId: string | null,
): Promise<DemoUser> {
  const pw = password();
  const made = await api.call<{ user: { id: string } }>("post", "/users", {
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    contractId,
    language: u.email.startsWith("oncall2") ? "en" : "ja",
    password: pw,
  });
  return { role: u.role, label: u.label, email: u.email, password: pw, id: made.user.id };
}

/** First line: oncall1 on call now; second line: oncall2. Shifts of 12 h from now. */
async function createRotations(api: DemoApi, users: DemoUser[], now: Date) {
  const id = (email: string) => users.find((u) => u.email === email)!.id!;
  const lines = [
    {
      name: "First line (demo)",
      line: "first",
      memberIds: [id("oncall1@msp.local"), id("oncall2@msp.local")],
    },
    { name: "Second line (demo)", line: "second", memberIds: [id("oncall2@msp.local")] },
  ];
  for (const r of lines) {
    await api.call("post", "/oncall/rotations", {
      ...r,
      startsAt: now.toISOString(),
      shiftHours: 12,
    });
  }
}

async function createRuleOverrides(api: DemoApi, contracts: DemoContractState[]) {
  for (const c of contracts) {
    for (const rule of demoRuleOverrides())
      await api.call("post", "/rules", { ...rule, contractId: c.id });
  }
}
