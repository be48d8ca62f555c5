import { randomUUID } from "node:crypto";
import type { Alert } from "../../src/incidents/alerts.js";
import type { TestApp } from "./app.js";

/** A threshold alert for a component, as the rule engine would raise it. */
export function alertFor(
  app: TestApp,
  target: { contractId: string; componentId: string },
  over: Partial<Alert> = {},
): Alert {
  return {
    contractId: target.contractId,
    componentId: target.componentId,
    ruleId: over.ruleId ?? randomUUID(),
    ruleName: "cpu_high",
    ruleKind: "threshold",
    severity: "warning",
    metric: "node_cpu_busy_ratio",
    labelsKey: "",
    labels: {},
    value: 0.97,
    threshold: 0.9,
    atMs: app.clock.now().getTime(),
    ...over,
  };
}

/** Fires through the incident engine and waits for the commit. */
export async function fire(app: TestApp, alert: Alert): Promise<void> {
  app.platform.incidents.fire(alert);
  await app.platform.incidents.whenIdle();
}

export async function clear(app: TestApp, alert: Alert, atMs = app.clock.now().getTime()) {
  app.platform.incidents.clear(alert, atMs);
  await app.platform.incidents.whenIdle();
}

/** The incidents of a contract, newest first, as the API lists them. */
export async function incidentsOf(app: TestApp, contractId: string, token?: string) {
  const res = await app.api("get", `/incidents?contractId=${contractId}`, token ? { token } : {});
  if (res.status !== 200) throw new Error(`list failed: ${JSON.stringify(res.body)}`);
  return res.body.items as any[];
}

export async function uploadIncidentRunbook(app: TestApp, contractId: string) {
  const res = await app.api("post", `/contracts/${contractId}/runbooks`, {
    body: { kind: "incident", name: "first response", content: "1. check the VM\n" },
  });
  if (res.status !== 201) throw new Error(`runbook failed: ${JSON.stringify(res.body)}`);
}
