import type { MigrationInterface } from "typeorm";
import { Foundation1795621049629 } from "./1795621049629-Foundation.js";
import { Billing1795623063885 } from "./1795623063885-Billing.js";
import { Metrics1795624482821 } from "./1795624482821-Metrics.js";
import { Incidents1795630780946 } from "./1795630780946-Incidents.js";
import { ContractLifecycle1796430087971 } from "./1796430087971-ContractLifecycle.js";
import { LoginThrottle1796430126066 } from "./1796430126066-LoginThrottle.js";
import { IncidentGroups1796430138691 } from "./1796430138691-IncidentGroups.js";
import { RuleCounters1796430236410 } from "./1796430236410-RuleCounters.js";
import { DurabilityColumns1796432025583 } from "./1796432025583-DurabilityColumns.js";
import { CollectorLeases1796440608117 } from "./1796440608117-CollectorLeases.js";
import { ChangeLog1796440654435 } from "./1796440654435-ChangeLog.js";
import { CredentialRevocations1796441000000 } from "./1796441000000-CredentialRevocations.js";

// Listed explicitly (not globbed) so ESM, tsx and vitest load the same set in order.
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Foundation1795621049629,
  Billing1795623063885,
  Metrics1795624482821,
  Incidents1795630780946,
  ContractLifecycle1796430087971,
  LoginThrottle1796430126066,
  IncidentGroups1796430138691,
  RuleCounters1796430236410,
  DurabilityColumns1796432025583,
  CollectorLeases1796440608117,
  ChangeLog1796440654435,
  CredentialRevocations1796441000000,
];
