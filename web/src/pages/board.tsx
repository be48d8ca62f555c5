// The NOC board: every contract (health, incidents, quota, warnings) and the live incident
// list, laid out like Zabbix's problems view / an on-call incident list: severity, age,
// customer, component, problem, acknowledged or not, response tier, with column headers.
// The snapshot comes from GET /noc/board; socket.io deltas keep the incident list live. The
// contracts' incident counts are derived from the live list at once (while it holds every
// active incident); the rest of a summary (health, quota) is re-read SUMMARY_DEBOUNCE_MS after
// the last delta, at least every SUMMARY_MAX_WAIT_MS during a storm. The title bar counts
// unacknowledged incidents, so a minimised tab still tells.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { getOnce } from "../api.js";
import { label, tryKey, useT } from "../i18n.js";
import { live, type Incident } from "../live-incidents.js";
import { href, navigate } from "../router.js";
import type { Me } from "../session.js";
import { useStore } from "../store.js";
import { NewIncidentCue } from "../ui/cue.js";
import { largeType, Status } from "../ui/layout.js";
import { VirtualList } from "../ui/virtual-list.js";
import {
  ColumnHeaders,
  CONTRACT_COLUMNS,
  ContractRow,
  countsByContract,
  INCIDENT_COLUMNS,
  IncidentRow,
  incidentOrder,
  type BoardContract,
} from "./board-rows.js";

interface BoardSnapshot {
  version: string;
  contracts: BoardContract[];
  incidents: Incident[];
  activeIncidents: number;
}
interface Filters {
  plan: string;
  contract: string;
  severity: string;
  state: string;
}

const SUMMARY_DEBOUNCE_MS = 1_000;
const SUMMARY_MAX_WAIT_MS = 3_000;
const PLANS = ["entry", "standard", "advanced", "premium"];

export function BoardPage(_p: { me: Me }) {
  const t = useT();
  const large = useStore(largeType);
  const tick = useStore(live.tick);
  const [board, setBoard] = useState<BoardSnapshot | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [filters, setFilters] = useState<Filters>({
    plan: "",
    contract: "",
    severity: "",
    state: "",
  });
  const [now, setNow] = useState(Date.now());
  const [height, setHeight] = useState(innerHeight);
  const lastRefresh = useRef(0);
  const firstDelta = useRef<number | null>(null);

  const load = async (replaceIncidents: boolean) => {
    try {
      const snap = await getOnce<BoardSnapshot>("/noc/board");
      performance.mark("board-data");
      if (replaceIncidents) live.load(snap.incidents, snap.version);
      setBoard(snap);
      // Live updates start after the snapshot: the resync resumes from its version.
      live.connect();
      lastRefresh.current = Date.now();
      firstDelta.current = null;
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => {
    live.onReloadNeeded = () => void load(true);
    void load(true);
    const clock = setInterval(() => setNow(Date.now()), 5000);
    const onResize = () => setHeight(innerHeight);
    addEventListener("resize", onResize);
    return () => {
      clearInterval(clock);
      removeEventListener("resize", onResize);
    };
  }, []);
  // Re-read the summaries after live deltas (not after the snapshot's own load).
  const lastDelta = useStore(live.lastMessage);
  useEffect(() => {
    if (!board || !lastDelta) return;
    const now = Date.now();
    firstDelta.current ??= now;
    const wait = Math.min(SUMMARY_DEBOUNCE_MS, firstDelta.current + SUMMARY_MAX_WAIT_MS - now);
    const timer = setTimeout(() => void load(false), Math.max(0, wait));
    return () => clearTimeout(timer);
  }, [lastDelta]);
  // The title bar: "(3) MSP NOC" while three incidents wait for an acknowledgement.
  const unacknowledged = useMemo(
    () => [...live.byId.values()].filter((i) => i.state === "open").length,
    [tick],
  );
  useEffect(() => {
    document.title = unacknowledged > 0 ? `(${unacknowledged}) ${t("appTitle")}` : t("appTitle");
  }, [unacknowledged, t("appTitle")]);
  useEffect(() => () => void (document.title = t("appTitle")), []);
  useEffect(() => {
    if (!board) return;
    // The "first render" marker the dashboard bench waits for (after the frame is painted).
    requestAnimationFrame(() => {
      if (document.body.dataset.boardReady) return;
      document.body.dataset.boardReady = String(Math.round(performance.now()));
      performance.mark("board-ready");
    });
  }, [board]);

  // Incident counts from the live list when it is complete: they move with the list.
  const liveContracts = useMemo(() => {
    if (!board) return [];
    if (board.activeIncidents > board.incidents.length) return board.contracts;
    const counts = countsByContract(live.byId.values());
    const none = { critical: 0, warning: 0, info: 0, oldestOpenedAt: null };
    return board.contracts.map((c) => ({ ...c, incidents: counts.get(c.id) ?? none }));
  }, [board, tick]);
  const contractsById = useMemo(
    () => new Map(liveContracts.map((c) => [c.id, c])),
    [liveContracts],
  );
  const needle = filters.contract.trim().toLowerCase();
  const contracts = useMemo(
    () =>
      liveContracts.filter(
        (c) =>
          (!filters.plan || c.plan === filters.plan) &&
          (!needle || c.customerName.toLowerCase().includes(needle) || c.id === needle),
      ),
    [liveContracts, filters.plan, needle],
  );
  const incidents = useMemo(() => {
    const keep = new Set(contracts.map((c) => c.id));
    const list = [...live.byId.values()].filter(
      (i) =>
        (keep.has(i.contractId) ||
          (!contractsById.has(i.contractId) && !needle && !filters.plan)) &&
        (!filters.severity || i.severity === filters.severity) &&
        (!filters.state || i.state === filters.state),
    );
    return list.sort(incidentOrder);
  }, [tick, contracts, filters.severity, filters.state]);

  if (!board) return <Status loading={!error} error={error} />;
  const rowHeight = large ? 64 : 34;
  const listHeight = Math.max(4 * rowHeight, Math.floor((height - (large ? 330 : 230)) / 2));
  const filtered = Object.values(filters).some((v) => v !== "");
  const set = (k: keyof Filters) => (e: Event) =>
    setFilters({ ...filters, [k]: (e.currentTarget as HTMLInputElement).value });
  const customerOf = (id: string) => contractsById.get(id)?.customerName ?? id.slice(0, 8);
  const fresh = (i: Incident) => (now - (live.fresh.get(i.id) ?? 0) < 10_000 ? "fresh" : "");

  return (
    <div class="board" data-testid="board">
      <div class="filters" role="search">
        <label>
          {t("plan")}
          <select value={filters.plan} onChange={set("plan")} data-testid="filter-plan">
            <option value="">{t("all")}</option>
            {PLANS.map((p) => (
              <option value={p}>{tryKey(t, p)}</option>
            ))}
          </select>
        </label>
        <label>
          {t("contract")}
          <input value={filters.contract} onInput={set("contract")} data-testid="filter-contract" />
        </label>
        <label>
          {t("severity")}
          <select value={filters.severity} onChange={set("severity")} data-testid="filter-severity">
            <option value="">{t("all")}</option>
            {["critical", "warning", "info"].map((s) => (
              <option value={s}>{label(t, "sev", s)}</option>
            ))}
          </select>
        </label>
        <label>
          {t("state")}
          <select value={filters.state} onChange={set("state")} data-testid="filter-state">
            <option value="">{t("active")}</option>
            <option value="open">{t("open")}</option>
            <option value="acknowledged">{t("acknowledged")}</option>
          </select>
        </label>
        <NewIncidentCue describe={customerOf} />
        <span class="muted">{t("keyboardHelp")}</span>
      </div>
      <h2>
        {t("liveIncidents")} <span class="count">{incidents.length}</span>{" "}
        {unacknowledged > 0 && (
          <span class="badge bad" data-testid="unacknowledged">
            {t("openCount", { n: unacknowledged })}
          </span>
        )}{" "}
        {board.activeIncidents > board.incidents.length && (
          <span class="muted">
            {t("listTruncated", { shown: board.incidents.length, total: board.activeIncidents })}
          </span>
        )}
      </h2>
      <VirtualList
        items={incidents}
        rowHeight={rowHeight}
        height={listHeight}
        label={t("liveIncidents")}
        testId="incident-list"
        keyOf={(i) => i.id}
        rowClass={(i) => `incident-grid incident ${fresh(i)}`}
        onOpen={(i) => navigate(href.incident(i.id))}
        render={(i) => <IncidentRow i={i} customer={customerOf(i.contractId)} t={t} now={now} />}
        header={
          <ColumnHeaders
            columns={INCIDENT_COLUMNS}
            t={t}
            grid="incident-grid"
            testId="incident-headers"
          />
        }
        empty={<p class="empty">{filtered ? t("noIncidentsFiltered") : t("noIncidents")}</p>}
        autoFocus
      />
      <h2>
        {t("contracts")} <span class="count">{contracts.length}</span>
      </h2>
      <VirtualList
        items={contracts}
        rowHeight={rowHeight}
        height={listHeight}
        label={t("contracts")}
        testId="contract-list"
        keyOf={(c) => c.id}
        rowClass={() => "contract-grid contract"}
        onOpen={(c) => setFilters({ ...filters, contract: c.customerName })}
        render={(c) => <ContractRow c={c} t={t} now={now} />}
        header={
          <ColumnHeaders
            columns={CONTRACT_COLUMNS}
            t={t}
            grid="contract-grid"
            testId="contract-headers"
          />
        }
        empty={<p class="empty">{t("noContracts")}</p>}
      />
    </div>
  );
}
