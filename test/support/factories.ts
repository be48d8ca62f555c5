import { randomBytes } from "node:crypto";
import type { ApiClient } from "./app.js";

const uniq = () => randomBytes(4).toString("hex");

/** An active contract with one component, made through the API as admin. */
export async function makeContract(
  api: ApiClient,
  opts: { plan?: string; startDate?: string; components?: string[] } = {},
) {
  const applied = await api("post", "/contracts", {
    body: {
      customerName: `Customer ${uniq()}`,
      plan: opts.plan ?? "standard",
      contacts: [{ name: "Ops", email: `ops-${uniq()}@example.jp`, language: "ja" }],
    },
  });
  if (applied.status !== 201) throw new Error(`apply failed: ${JSON.stringify(applied.body)}`);
  const startDate = opts.startDate ?? "2026-11-01";
  const accepted = await api("post", `/contracts/${applied.body.id}/accept`, {
    body: { startDate },
  });
  if (accepted.status !== 200) throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`);
  const components = [];
  for (const name of opts.components ?? ["vm-01"]) {
    const c = await api("post", `/contracts/${applied.body.id}/components`, {
      // Present at the start (the default would be the day it is added, JST).
      body: { name, os: "linux", activeFrom: startDate },
    });
    if (c.status !== 201) throw new Error(`component failed: ${JSON.stringify(c.body)}`);
    components.push(c.body);
  }
  return { contract: accepted.body, components };
}

/** A user of the given role (customer users belong to `contractId`), logged in. */
export async function makeUser(
  api: ApiClient,
  role: "admin" | "noc" | "oncall" | "customer",
  contractId: string | null = null,
) {
  const email = `${role}-${uniq()}@example.jp`;
  const password = `pw-${uniq()}-${uniq()}`;
  const created = await api("post", "/users", {
    body: { email, displayName: role, role, contractId, password },
  });
  if (created.status !== 201) throw new Error(`user failed: ${JSON.stringify(created.body)}`);
  const login = await api("post", "/auth/login", { token: null, body: { email, password } });
  return { user: created.body.user, token: login.body.token as string, password };
}
