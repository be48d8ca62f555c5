// Every entity module, listed once. Each exports only @Entity classes (index.ts collects
// them into ENTITIES; all.test.ts checks that every export is a mapped entity).
export * from "./agent-token.entity.js";
export * from "./audit-log.entity.js";
export * from "./component.entity.js";
export * from "./contact.entity.js";
export * from "./contract-history.entity.js";
export * from "./contract.entity.js";
export * from "./credential.entity.js";
export * from "./incident-event.entity.js";
export * from "./incident-member.entity.js";
export * from "./incident.entity.js";
export * from "./invoice.entity.js";
export * from "./login-throttle.entity.js";
export * from "./liability-credit.entity.js";
export * from "./maintenance-window.entity.js";
export * from "./metric-rollup.entity.js";
export * from "./metric-series.entity.js";
export * from "./oncall.entity.js";
export * from "./outage.entity.js";
export * from "./outbox.entity.js";
export * from "./payment.entity.js";
export * from "./response-quota.entity.js";
export * from "./rule.entity.js";
export * from "./runbook-task.entity.js";
export * from "./runbook.entity.js";
export * from "./service-fee.entity.js";
export * from "./user.entity.js";
