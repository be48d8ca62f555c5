import { IncidentEntity } from "./incident.entity.js";
import { IncidentEventEntity } from "./incident-event.entity.js";
import { IncidentMemberEntity } from "./incident-member.entity.js";
import { MaintenanceWindowEntity } from "./maintenance-window.entity.js";
import {
  OncallHandoverNoteEntity,
  OncallOverrideEntity,
  OncallRotationEntity,
} from "./oncall.entity.js";
import {
  MailboxMessageEntity,
  OutboxMessageEntity,
  WebhookEndpointEntity,
} from "./outbox.entity.js";
import { ResponseQuotaUnitEntity } from "./response-quota.entity.js";
import { RuleEntity } from "./rule.entity.js";
import { RunbookTaskEntity } from "./runbook-task.entity.js";
import { AgentTokenEntity } from "./agent-token.entity.js";
import { AuditLogEntity } from "./audit-log.entity.js";
import { ComponentEntity } from "./component.entity.js";
import { ContactEntity } from "./contact.entity.js";
import { ContractEntity } from "./contract.entity.js";
import {
  ComponentChangeEntity,
  InvoiceAdjustmentEntity,
  PlanChangeEntity,
  TariffVersionEntity,
} from "./contract-history.entity.js";
import { RunbookEntity } from "./runbook.entity.js";
import { CredentialEntity } from "./credential.entity.js";
import { UserEntity } from "./user.entity.js";
import { LoginThrottleEntity } from "./login-throttle.entity.js";
import { MetricRollupEntity } from "./metric-rollup.entity.js";
import { MetricSeriesEntity } from "./metric-series.entity.js";
import { InvoiceEntity } from "./invoice.entity.js";
import { LiabilityCreditEntity } from "./liability-credit.entity.js";
import { OutageEntity } from "./outage.entity.js";
import { PaymentEntity } from "./payment.entity.js";
import { ServiceFeeEntity } from "./service-fee.entity.js";

export {
  ComponentChangeEntity,
  InvoiceAdjustmentEntity,
  PlanChangeEntity,
  TariffVersionEntity,
  IncidentEntity,
  IncidentEventEntity,
  IncidentMemberEntity,
  MaintenanceWindowEntity,
  OncallHandoverNoteEntity,
  OncallOverrideEntity,
  OncallRotationEntity,
  MailboxMessageEntity,
  OutboxMessageEntity,
  WebhookEndpointEntity,
  ResponseQuotaUnitEntity,
  RuleEntity,
  RunbookTaskEntity,
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
  LoginThrottleEntity,
};

export const ENTITIES = [
  ComponentChangeEntity,
  InvoiceAdjustmentEntity,
  PlanChangeEntity,
  TariffVersionEntity,
  IncidentEntity,
  IncidentEventEntity,
  IncidentMemberEntity,
  MaintenanceWindowEntity,
  OncallHandoverNoteEntity,
  OncallOverrideEntity,
  OncallRotationEntity,
  MailboxMessageEntity,
  OutboxMessageEntity,
  WebhookEndpointEntity,
  ResponseQuotaUnitEntity,
  RuleEntity,
  RunbookTaskEntity,
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
  LoginThrottleEntity,
];
