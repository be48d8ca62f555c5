import { AgentTokenEntity } from "./agent-token.entity.js";
import { AuditLogEntity } from "./audit-log.entity.js";
import { ComponentEntity } from "./component.entity.js";
import { ContactEntity } from "./contact.entity.js";
import { ContractEntity } from "./contract.entity.js";
import { RunbookEntity } from "./runbook.entity.js";
import { CredentialEntity } from "./credential.entity.js";
import { UserEntity } from "./user.entity.js";
import { MetricRollupEntity } from "./metric-rollup.entity.js";
import { MetricSeriesEntity } from "./metric-series.entity.js";
import { InvoiceEntity } from "./invoice.entity.js";
import { LiabilityCreditEntity } from "./liability-credit.entity.js";
import { OutageEntity } from "./outage.entity.js";
import { PaymentEntity } from "./payment.entity.js";
import { ServiceFeeEntity } from "./service-fee.entity.js";

export {
  AgentTokenEntity,
  AuditLogEntity,
  ComponentEntity,
  ContactEntity,
  ContractEntity,
  CredentialEntity,
  InvoiceEntity,
  LiabilityCreditEntity,
  MetricRollupEntity,
  MetricSeriesEntity,
  OutageEntity,
  PaymentEntity,
  RunbookEntity,
  ServiceFeeEntity,
  UserEntity,
};

export const ENTITIES = [
  AgentTokenEntity,
  AuditLogEntity,
  ComponentEntity,
  ContactEntity,
  ContractEntity,
  CredentialEntity,
  InvoiceEntity,
  LiabilityCreditEntity,
  MetricRollupEntity,
  MetricSeriesEntity,
  OutageEntity,
  PaymentEntity,
  RunbookEntity,
  ServiceFeeEntity,
  UserEntity,
];
