import { beforeEach, describe, expect, it } from "vitest";
import type { IngestPipeline } from "../ingest/ingest-pipeline.js";
import { loadBoard, type BoardDeps } from "./board-query.js";
import { DEFAULT_BOARD_POLICY } from "./board-policy.js";
import { InMemoryBoardStore } from "./testing/in-memory-board-store.js";

const NOW = new Date("2026-12-06T10:00:00+09:00");
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const contract = (id: string, plan: string, customerName = id) => ({
  id,
  customerName,
  plan,
  suspendedFrom: null,
  suspensionKind: null,
  suspensionReason: null,
});
const vm = (id: string, contractId: string, lastSeenAt: Date | null = ago(10_000)) => ({
  id,
  contractId,
  lastSeenAt,
  activeUntil: null,
});

let store: InMemoryBoardStore;
let live: { id: string; active: number; cap: number }[];
let deps: BoardDeps;

beforeEach(() => {
  store = new InMemoryBoardStore();
  live = [];
  deps = {
    board: store,
    policy: DEFAULT_BOARD_POLICY,
    quotaPerMonth: 10,
    pipeline: () => ({ components: () => live }) as unknown as IngestPipeline,
  };
  store.contracts = [contract("c1", "standard", "Alpha"), contract("c2", "entry", "Beta")];
});

describe(loadBoard.name, () => {
  it("counts each contract's components as up, silent, down or in maintenance", async () => {
    store.components = [
      vm("v1", "c1"),
      vm("v2", "c1", ago(DEFAULT_BOARD_POLICY.silentAfterMs + 1)),
      vm("v3", "c1", null),
      vm("v4", "c1"),
      vm("v5", "c2"),
    ];
    store.incidents = [
      {
        id: "i1",
        contractId: "c1",
        componentId: "v4",
        severity: "critical",
        ruleKind: "threshold",
        state: "open",
        suppressed: false,
        openedAt: ago(3_600_000),
      },
      {
        id: "i2",
        contractId: "c1",
        componentId: "v1",
        severity: "warning",
        ruleKind: "threshold",
        state: "open",
        suppressed: false,
        openedAt: ago(60_000),
      },
    ];
    // Every Sunday 09:00–11:00 JST on c2, first on 29 November: running now. Every
    // Saturday's on v2 is not.
    store.windows = [
      {
        id: "w2",
        contractId: "c1",
        componentId: "v2",
        startsAtMs: Date.parse("2026-11-28T09:00:00+09:00"),
        endsAtMs: Date.parse("2026-11-28T11:00:00+09:00"),
        recurrence: "weekly",
        untilMs: null,
      },
      {
        id: "w",
        contractId: "c2",
        componentId: null,
        startsAtMs: Date.parse("2026-11-29T09:00:00+09:00"),
        endsAtMs: Date.parse("2026-11-29T11:00:00+09:00"),
        recurrence: "weekly",
        untilMs: null,
      },
    ];
    const board = await loadBoard(deps, NOW);
    const [alpha, beta] = board.contracts;
    expect(alpha?.components).toEqual({ total: 4, up: 1, silent: 2, down: 1, maintenance: 0 });
    expect(alpha?.incidents).toEqual({
      critical: 1,
      warning: 1,
      info: 0,
      oldestOpenedAt: ago(3_600_000).toISOString(),
    });
    expect(beta?.components).toEqual({ total: 1, up: 0, silent: 0, down: 0, maintenance: 1 });
    expect([board.activeIncidents, board.incidents.map((i) => i.id)]).toEqual([2, ["i2", "i1"]]);
  });

  it("warns of a missing incident runbook except on entry, quota use and cap pressure", async () => {
    store.components = [vm("v1", "c1"), vm("v2", "c1"), vm("v3", "c2")];
    store.quota = [
      ...Array.from({ length: 12 }, () => ({
        contractId: "c1",
        month: "2026-12",
        released: false,
      })),
      { contractId: "c1", month: "2026-12", released: true },
      { contractId: "c1", month: "2026-11", released: false },
    ];
    live = [
      { id: "v1", active: 900, cap: 1000 }, // at 90 %: a warning
      { id: "v3", active: 899, cap: 1000 }, // below
    ];
    store.capReached = [{ componentId: "v2", at: ago(3_600_000) }];
    const [alpha, beta] = (await loadBoard(deps, NOW)).contracts;
    expect([alpha?.runbookMissing, beta?.runbookMissing]).toEqual([true, false]);
    expect(alpha?.quota).toEqual({ quota: 10, used: 12, remaining: 0, overage: 2 });
    expect([alpha?.capWarnings, beta?.capWarnings]).toEqual([2, 0]);
    store.incidentRunbooks = ["c1"];
    expect((await loadBoard(deps, NOW)).contracts[0]?.runbookMissing).toBe(false);
  });
});
