// The customer portal: only the user's own contract (the API scopes every read to it).
import { useEffect, useState } from "preact/hooks";
import { api, type Page } from "../api.js";
import { formatTime, label, language, ruleLabel, tryKey, useT } from "../i18n.js";
import { live } from "../live-incidents.js";
import { href } from "../router.js";
import type { Me } from "../session.js";
import { useStore } from "../store.js";
import { Status } from "../ui/layout.js";
import { MaintenancePanel } from "./portal-maintenance.js";

interface Portal {
  contract: { id: string; customerName: string; plan: string };
  components: { id: string; name: string; os: string; lastSeenAt: string | null }[];
  incidents: {
    id: string;
    ruleName: string;
    componentName: string | null;
    state: string;
    severity: string;
    openedAt: string;
  }[];
  quota: { month: string; quota: number; used: number; remaining: number; overage: number } | null;
  allowance: {
    allowanceMinutes: number;
    usedMinutes: number;
    remainingMinutes: number;
    overageMinutes: number;
  } | null;
  invoices: { id: string; month: string; totalYen: number; revision?: number }[];
  contacts: { id: string; name: string; email: string }[];
  mailbox: { id: string; subject: string; to: string; receivedAt: string }[] | null;
}

const optional = <T,>(p: Promise<T>): Promise<T | null> => p.catch(() => null);

async function loadPortal(contractId: string): Promise<Portal> {
  const c = `/contracts/${contractId}`;
  const [contract, components, incidents, quota, allowance, invoices, contacts, mailbox] =
    await Promise.all([
      api<Portal["contract"]>("GET", c),
      api<Page<Portal["components"][number]>>("GET", `${c}/components?limit=200`),
      api<Page<Portal["incidents"][number]>>("GET", `/incidents?contractId=${contractId}&limit=50`),
      optional(api<Portal["quota"]>("GET", `${c}/quota`)),
      optional(api<Portal["allowance"]>("GET", `${c}/runbook-allowance`)),
      optional(
        api<Page<Portal["invoices"][number]>>("GET", `/invoices?contractId=${contractId}&limit=24`),
      ),
      optional(api<Portal["contacts"]>("GET", `${c}/contacts`)),
      optional(api<Page<NonNullable<Portal["mailbox"]>[number]>>("GET", `/mailbox?limit=10`)),
    ]);
  return {
    contract,
    components: components.items,
    incidents: incidents.items,
    quota,
    allowance,
    invoices: invoices?.items ?? [],
    contacts: contacts ?? [],
    mailbox: mailbox?.items ?? null,
  };
}

export function PortalPage(p: { me: Me }) {
  useEffect(() => live.connect(), []);
  const t = useT();
  const lang = useStore(language);
  const last = useStore(live.lastMessage);
  const [data, setData] = useState<Portal | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (p.me.contractId) void loadPortal(p.me.contractId).then(setData, setError);
  }, [p.me.contractId, last]);
  if (!p.me.contractId) return <Status error={{ status: 403 }} />;
  if (!data) return <Status loading={!error} error={error} />;
  const q = data.quota;
  const a = data.allowance;
  return (
    <div class="portal" data-testid="portal">
      <h1>
        {data.contract.customerName}{" "}
        <span class={`plan plan-${data.contract.plan}`}>{tryKey(t, data.contract.plan)}</span>
      </h1>
      <div class="grid">
        <section>
          <h2>{t("quota")}</h2>
          {q ? (
            <p>
              {t("usedOf", { used: q.used, quota: q.quota })} · {t("remaining", { n: q.remaining })}
              {q.overage > 0 && ` · ${t("overage")} ${q.overage}`}
            </p>
          ) : (
            <p class="muted">{t("quotaNone")}</p>
          )}
          <h2>{t("runbookAllowance")}</h2>
          {a && a.allowanceMinutes > 0 ? (
            <p>
              {t("minutes", { n: a.usedMinutes })} / {t("minutes", { n: a.allowanceMinutes })}
              {a.overageMinutes > 0 &&
                ` · ${t("overage")} ${t("minutes", { n: a.overageMinutes })}`}
            </p>
          ) : (
            <p class="muted">{t("allowanceNone")}</p>
          )}
        </section>
        <section>
          <h2>{t("components")}</h2>
          {data.components.length === 0 && <p class="muted">{t("noComponents")}</p>}
          <ul>
            {data.components.map((c) => (
              <li key={c.id}>
                <a href={href.component(c.id)}>{c.name}</a>{" "}
                <span class="muted">
                  {t("lastSeen")}: {c.lastSeenAt ? formatTime(c.lastSeenAt, lang) : t("never")}
                </span>
              </li>
            ))}
          </ul>
        </section>
        <section>
          <h2>{t("incidents")}</h2>
          {data.incidents.length === 0 && <p class="muted">{t("nothing")}</p>}
          <ul data-testid="portal-incidents">
            {data.incidents.map((i) => (
              <li key={i.id}>
                <span class={`sevbadge sev-${i.severity}`}>{label(t, "sev", i.severity)}</span>{" "}
                <a href={href.incident(i.id)}>{ruleLabel(t, i.ruleName)}</a> —{" "}
                {i.componentName ?? "—"} · {tryKey(t, i.state)} ·{" "}
                <span class="muted">{formatTime(i.openedAt, lang)}</span>
              </li>
            ))}
          </ul>
        </section>
        <MaintenancePanel contractId={data.contract.id} components={data.components} />
        <section>
          <h2>{t("invoices")}</h2>
          {data.invoices.length === 0 && (
            <p class="muted" data-testid="no-invoices">
              {t("noInvoices")}
            </p>
          )}
          <ul>
            {data.invoices.map((inv) => (
              <li key={inv.id}>
                {inv.month} · {t("yen", { n: inv.totalYen.toLocaleString("en-US") })} ·{" "}
                <a
                  href={`/api/v1/invoices/${inv.id}.html?lang=${lang}`}
                  target="_blank"
                  rel="noopener"
                >
                  {t("view")}
                </a>{" "}
                ·{" "}
                <a href={`/api/v1/invoices/${inv.id}.csv`} download>
                  {t("download")}
                </a>
              </li>
            ))}
          </ul>
          <h2>{t("contacts")}</h2>
          {data.contacts.length === 0 && <p class="muted">{t("noContacts")}</p>}
          <ul>
            {data.contacts.map((c) => (
              <li key={c.id}>
                {c.name} &lt;{c.email}&gt;
              </li>
            ))}
          </ul>
        </section>
        {data.mailbox && data.mailbox.length > 0 && (
          <section>
            <h2>{t("mailbox")}</h2>
            <ul>
              {data.mailbox.map((m) => (
                <li key={m.id}>
                  <span class="muted">{formatTime(m.receivedAt, lang)}</span> {m.subject}
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </div>
  );
}
