import { describe, expect, it } from "vitest";
import type { ContractScope } from "../access/actor.js";
import type { IncidentEntity } from "../db/entities/index.js";
import type { RealtimeStore } from "./realtime.store.js";
import { resync, RESYNC_LOOKBACK } from "./resync.js";

const K1 = "contract-1";
const K2 = "contract-2";

/** The change feed in memory: one row per incident_events id, filtered as the SQL does. */
class InMemoryFeed implements Pick<
  RealtimeStore,
  "latestVersion" | "changedIncidents" | "incidents" | "componentNames"
> {
  events: Array<{ id: number; incidentId: string; contractId: string; customerVisible: boolean }> =
    [];
  readonly rows = new Map<string, IncidentEntity>();

  change(incidentId: string, contractId: string, customerVisible = true): number {
    const id = this.events.length + 1;
    this.events.push({ id, incidentId, contractId, customerVisible });
    this.rows.set(incidentId, incident(incidentId, contractId));
    return id;
  }
  private inScope(scope: ContractScope) {
    return this.events.filter(
      (e) => scope.kind === "all" || (e.contractId === scope.contractId && e.customerVisible),
    );
  }
  latestVersion = (scope: ContractScope) =>
    Promise.resolve(String(Math.max(0, ...this.inScope(scope).map((e) => e.id))));
  changedIncidents = (scope: ContractScope, from: string, to: string, limit: number) => {
    const latest = new Map<string, number>();
    for (const e of this.inScope(scope))
      if (e.id > Number(from) && e.id <= Number(to)) latest.set(e.incidentId, e.id);
    return Promise.resolve(
      [...latest]
        .sort((a, b) => a[1] - b[1])
        .slice(0, limit)
        .map(([incidentId, v]) => ({ incidentId, version: String(v) })),
    );
  };
  incidents = (ids: readonly string[]) =>
    Promise.resolve(ids.flatMap((id) => (this.rows.has(id) ? [this.rows.get(id)!] : [])));
  componentNames = (ids: readonly string[]) =>
    Promise.resolve(new Map(ids.map((id) => [id, `name of ${id}`])));
}

function incident(id: string, contractId: string): IncidentEntity {
  return {
    id,
    contractId,
    componentId: `${id}-component`,
    state: "open",
    severity: "critical",
    tier: null,
    overage: false,
    suppressed: false,
    runbookMissing: false,
    openedAt: new Date("2026-01-01T00:00:00Z"),
    acknowledgedAt: null,
    resolvedAt: null,
    escalationLevel: 0,
    assigneeId: null,
    repeatCount: 1,
    memberCount: 1,
    membersTotal: 1,
    scope: "component",
    ruleName: "cpu",
    value: 0.95,
    threshold: 0.9,
  } as IncidentEntity;
}

const store = (feed: InMemoryFeed) => feed as unknown as RealtimeStore;

describe(resync.name, () => {
  it("returns each changed incident once, at its latest version, oldest change first", async () => {
    const feed = new InMemoryFeed();
    feed.change("a", K1);
    feed.change("b", K1);
    const v3 = feed.change("a", K1);
    const r = await resync(store(feed), { kind: "all" }, "0");
    expect(r).toMatchObject({ version: String(v3), truncated: false });
    expect(r.incidents.map((i) => [i.incident.id, i.version])).toEqual([
      ["b", "2"],
      ["a", "3"],
    ]);
    expect(r.incidents[0]!.incident).toMatchObject({ componentName: "name of b-component" });
  });

  it("looks back a bounded number of versions for commits that landed late", async () => {
    const feed = new InMemoryFeed();
    for (let i = 0; i < RESYNC_LOOKBACK + 10; i++) feed.change(`i${i}`, K1);
    const since = String(RESYNC_LOOKBACK + 10);
    const r = await resync(store(feed), { kind: "all" }, since);
    expect(r.incidents.map((i) => i.incident.id)).toEqual(
      Array.from({ length: RESYNC_LOOKBACK }, (_, k) => `i${k + 10}`),
    );
  });

  it("tells the client to reload when too much changed or it is ahead of the feed", async () => {
    const feed = new InMemoryFeed();
    feed.change("a", K1);
    feed.change("b", K1);
    expect(await resync(store(feed), { kind: "all" }, "0", { maxIncidents: 1 })).toEqual({
      version: "2",
      truncated: true,
      incidents: [],
    });
    expect(await resync(store(feed), { kind: "all" }, "99")).toEqual({
      version: "2",
      truncated: true,
      incidents: [],
    });
  });

  it("gives a customer its own contract's visible changes only, without staff fields", async () => {
    const feed = new InMemoryFeed();
    feed.change("mine", K1);
    feed.change("theirs", K2);
    feed.change("internal", K1, false);
    const r = await resync(store(feed), { kind: "contract", contractId: K1 }, "0");
    expect(r.version).toBe("1");
    expect(r.incidents.map((i) => i.incident.id)).toEqual(["mine"]);
    expect(r.incidents[0]!.incident).not.toHaveProperty("assigneeId");
  });
});
