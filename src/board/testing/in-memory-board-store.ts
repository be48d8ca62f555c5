// A BoardStore over plain rows for unit tests: each aggregate computed the way its SQL
// does (health precedence maintenance > down > silent > up, unresolved incidents, …).
import type { BoardIncident } from "../board-incidents.js";
import type { ComponentHealth } from "../board-policy.js";
import type { BoardContractRow, BoardStore, PerContract } from "../board.store.js";
import type { MaintenanceWindow } from "../../domain/maintenance/windows.js";

export interface ComponentRow {
  id: string;
  contractId: string;
  lastSeenAt: Date | null;
  activeUntil: string | null;
}
export interface IncidentRow {
  id: string;
  contractId: string;
  componentId: string | null;
  severity: string;
  ruleKind: string;
  state: string;
  suppressed: boolean;
  openedAt: Date;
}

function count<T>(rows: T[], key: (r: T) => string): PerContract[] {
  const n = new Map<string, number>();
  for (const r of rows) n.set(key(r), (n.get(key(r)) ?? 0) + 1);
  return [...n].map(([contractId, k]) => ({ contractId, n: k }));
}

export class InMemoryBoardStore implements BoardStore {
  contracts: BoardContractRow[] = [];
  components: ComponentRow[] = [];
  incidents: IncidentRow[] = [];
  windows: MaintenanceWindow[] = [];
  quota: { contractId: string; month: string; released: boolean }[] = [];
  incidentRunbooks: string[] = [];
  failedMessages: { contractId: string; updatedAt: Date }[] = [];
  capReached: { componentId: string; at: Date }[] = [];

  version() {
    return Promise.resolve(String(this.incidents.length));
  }
  activeContracts() {
    return Promise.resolve([...this.contracts]);
  }
  maintenanceCandidates(at: Date) {
    return Promise.resolve(this.windows.filter((w) => w.startsAtMs <= at.getTime()));
  }
  componentHealth(q: Parameters<BoardStore["componentHealth"]>[0]) {
    const health = (c: ComponentRow): ComponentHealth => {
      if (q.maintenanceContracts.includes(c.contractId) || q.maintenanceComponents.includes(c.id))
        return "maintenance";
      const down = this.incidents.some(
        (i) =>
          i.componentId === c.id &&
          i.state !== "resolved" &&
          !i.suppressed &&
          (i.ruleKind === "absence_component" || i.severity === "critical"),
      );
      if (down) return "down";
      return !c.lastSeenAt || c.lastSeenAt < q.silentBefore ? "silent" : "up";
    };
    const billed = this.components.filter((c) => !c.activeUntil || c.activeUntil >= q.today);
    const groups = new Map<string, PerContract<{ health: ComponentHealth }>>();
    for (const c of billed) {
      const h = health(c);
      const g = groups.get(`${c.contractId}/${h}`) ?? { contractId: c.contractId, health: h, n: 0 };
      g.n += 1;
      groups.set(`${c.contractId}/${h}`, g);
    }
    return Promise.resolve([...groups.values()]);
  }
  openIncidents() {
    const open = this.incidents.filter((i) => i.state !== "resolved");
    const groups = new Map<string, PerContract<{ severity: string; oldest: Date }>>();
    for (const i of open) {
      const key = `${i.contractId}/${i.severity}`;
      const g = groups.get(key) ?? {
        contractId: i.contractId,
        severity: i.severity,
        n: 0,
        oldest: i.openedAt,
      };
      g.n += 1;
      if (i.openedAt < g.oldest) g.oldest = i.openedAt;
      groups.set(key, g);
    }
    return Promise.resolve([...groups.values()]);
  }
  quotaUnits(month: string) {
    return Promise.resolve(
      count(
        this.quota.filter((u) => u.month === month && !u.released),
        (u) => u.contractId,
      ),
    );
  }
  contractsWithIncidentRunbook() {
    return Promise.resolve([...new Set(this.incidentRunbooks)]);
  }
  failedNotifications(since: Date) {
    return Promise.resolve(
      count(
        this.failedMessages.filter((m) => m.updatedAt >= since),
        (m) => m.contractId,
      ),
    );
  }
  componentsCapReachedSince(since: Date) {
    return Promise.resolve([
      ...new Set(this.capReached.filter((e) => e.at >= since).map((e) => e.componentId)),
    ]);
  }
  componentsPerContract(ids: readonly string[]) {
    return Promise.resolve(
      count(
        this.components.filter((c) => ids.includes(c.id)),
        (c) => c.contractId,
      ),
    );
  }
  activeIncidents(limit: number) {
    const open = this.incidents
      .filter((i) => i.state !== "resolved")
      .sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime());
    const items = open
      .slice(0, limit)
      .map((i) => ({ id: i.id, contractId: i.contractId }) as BoardIncident);
    return Promise.resolve({ items, total: open.length });
  }
  // The cap view is covered by the integration tests; this store keeps no component details.
  component(): never {
    throw new Error("InMemoryBoardStore keeps no component details");
  }
  capUsage(): never {
    throw new Error("InMemoryBoardStore keeps no series");
  }
}
