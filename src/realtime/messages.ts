// The socket.io protocol: what a client may send (zod-validated, like every boundary) and
// what the server pushes. One PascalCase name for each schema and its inferred type.
import { z } from "zod";
import { AppError } from "../shared/errors.js";
import { zodIssues } from "../shared/zod-issues.js";

export const NOC_ROOM = "noc";
export const contractRoom = (contractId: string): string => `contract:${contractId}`;

/** The largest PostgreSQL bigint: a version above it could never have been issued. */
const MAX_VERSION = 2n ** 63n - 1n;

/** The change-feed version: incident_events.id, a bigint carried as a decimal string. */
const Version = z.union([
  z
    .string()
    .regex(/^\d{1,19}$/, "must be a non-negative integer version")
    .refine((v) => BigInt(v) <= MAX_VERSION, "must be at most 2^63-1"),
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
]);

export const JoinMessage = z.strictObject({
  room: z
    .string()
    .max(100)
    .regex(/^(noc|contract:[0-9a-f-]{36})$/i, 'must be "noc" or "contract:<uuid>"'),
});
export type JoinMessage = z.infer<typeof JoinMessage>;

export const ResyncMessage = z.strictObject({
  since: Version.transform((v) => String(v)),
});
export type ResyncMessage = z.infer<typeof ResyncMessage>;

export const SeriesSubscription = z.strictObject({
  componentId: z.uuid(),
  /** The series key as GET /components/:id/series returns it; all series when absent. */
  seriesId: z.string().min(1).max(4096).optional(),
});
export type SeriesSubscription = z.infer<typeof SeriesSubscription>;

export const CLIENT_MESSAGES = {
  join: JoinMessage,
  resync: ResyncMessage,
  "subscribe:series": SeriesSubscription,
  "unsubscribe:series": SeriesSubscription,
} as const;
export type ClientMessageName = keyof typeof CLIENT_MESSAGES;

/** Parses one client message or throws VALIDATION naming each bad field. */
export function parseMessage<N extends ClientMessageName>(
  name: N,
  payload: unknown,
): z.infer<(typeof CLIENT_MESSAGES)[N]> {
  const result = CLIENT_MESSAGES[name].safeParse(payload);
  if (result.success) return result.data as z.infer<(typeof CLIENT_MESSAGES)[N]>;
  throw new AppError("VALIDATION", `invalid ${name} message`, zodIssues(result.error));
}

/** The `error` event: sent for every refused or malformed message; the socket stays up. */
export interface ErrorEvent {
  event: string;
  code: string;
  message: string;
  issues: { path: string; message: string }[];
}

/** What every client learns about an incident: a delta, never the whole board. */
export interface IncidentDelta {
  id: string;
  contractId: string;
  componentId: string | null;
  componentName: string | null;
  state: string;
  severity: string;
  tier: string | null;
  overage: boolean;
  suppressed: boolean;
  runbookMissing: boolean;
  openedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  escalationLevel: number;
  assigneeId: string | null;
  repeatCount: number;
  /** Members failing now and ever joined: above 1, one incident for a storm (decision 0014). */
  memberCount: number;
  membersTotal: number;
  /** component | contract ("contract unreachable") */
  scope: string;
  ruleName: string;
  value: number | null;
  threshold: number | null;
}

export interface IncidentEvent {
  version: string;
  kind: string;
  incident: IncidentDelta;
  event: {
    id: string;
    at: string;
    kind: string;
    actorName: string;
    note: string | null;
    customerVisible: boolean;
  };
}

export interface ResyncReply {
  /** The latest version in the client's scope: resume from it next time. */
  version: string;
  /** More changed than fit: reload the list over REST, then resume from `version`. */
  truncated: boolean;
  /** Customers get their incidents without the NOC's internal fields (delta.ts). */
  incidents: { version: string; incident: CustomerIncidentDelta | IncidentDelta }[];
}

/** An incident delta without escalationLevel, assigneeId and repeatCount. */
export type CustomerIncidentDelta = Omit<
  IncidentDelta,
  "escalationLevel" | "assigneeId" | "repeatCount"
>;

export interface SeriesEvent {
  componentId: string;
  seriesId: string | null;
  series: { key: string; labels: Record<string, string>; points: [number, number | null][] }[];
}

export interface ComponentEvent {
  kind: "cap_reached";
  componentId: string;
  contractId: string;
  at: string;
  cap: number;
  activeSeries: number;
}
