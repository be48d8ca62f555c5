import { AgentTokenEntity } from "./agent-token.entity.js";
import { AuditLogEntity } from "./audit-log.entity.js";
import { ComponentEntity } from "./component.entity.js";
import { ContactEntity } from "./contact.entity.js";
import { ContractEntity } from "./contract.entity.js";
import { RunbookEntity } from "./runbook.entity.js";
import { CredentialEntity } from "./credential.entity.js";
import { UserEntity } from "./user.entity.js";

export {
  AgentTokenEntity,
  AuditLogEntity,
  ComponentEntity,
  ContactEntity,
  ContractEntity,
  CredentialEntity,
  RunbookEntity,
  UserEntity,
};

export const ENTITIES = [
  AgentTokenEntity,
  AuditLogEntity,
  ComponentEntity,
  ContactEntity,
  ContractEntity,
  CredentialEntity,
  RunbookEntity,
  UserEntity,
];
