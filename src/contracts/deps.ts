import type { UnitOfWork } from "../db/unit-of-work.js";
import type { AgentTokenStore, ComponentStore } from "./component.store.js";
import type { AuditLog, ContractStore, NoticeOutbox } from "./contract.store.js";
import type { RunbookStore } from "./runbook.store.js";

/** The ports of the contract use cases; each verb uses only the ones it names. */
export interface ContractsDeps {
  uow: UnitOfWork;
  contracts: ContractStore;
  components: ComponentStore;
  tokens: AgentTokenStore;
  runbooks: RunbookStore;
  audit: AuditLog;
  outbox: NoticeOutbox;
}
