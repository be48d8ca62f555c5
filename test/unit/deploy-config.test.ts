import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createMetrics } from "../../src/infra/metrics.js";

// The Grafana dashboards, the Prometheus config and docker-compose.yml cannot drift from
// the platform: every dashboard query must name a metric the platform registers.
// js-yaml (a devDependency) parses the compose and provisioning files.
const yaml = createRequire(import.meta.url)("js-yaml") as { load(text: string): any };
const ROOT = join(import.meta.dirname, "../..");
const DASHBOARDS = join(ROOT, "dashboards/grafana");
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");

/** Charted before their feature registers them; each must still be charted somewhere. */
const PENDING = new Set<string>([]);

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")
        ? [join(dir, e.name)]
        : [],
  );

/** Names prom-client exposes: the default process metrics plus every metric in src/. */
function registeredMetricNames(): Set<string> {
  const names = new Set(
    createMetrics()
      .registry.getMetricsAsArray()
      .map((m) => m.name),
  );
  const decl =
    /new (?:Counter|Gauge|Histogram|Summary)\b[^(]*\(\s*\{\s*name:\s*"([a-zA-Z_:][\w:]*)"/g;
  for (const file of sourceFiles(join(ROOT, "src")))
    for (const [, name] of readFileSync(file, "utf8").matchAll(decl)) names.add(name!);
  // Histogram and summary series; on other kinds these names simply never match a query.
  return new Set([...names].flatMap((n) => [n, `${n}_bucket`, `${n}_sum`, `${n}_count`]));
}

/** Metric names in a PromQL expression: identifiers directly followed by a `{` selector. */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/([a-zA-Z_:][\w:]*)\s*\{/g)].map((m) => m[1]!);
}

const dashboards = readdirSync(DASHBOARDS)
  .filter((f) => f.endsWith(".json"))
  .map((f) => ({ file: f, json: JSON.parse(readFileSync(join(DASHBOARDS, f), "utf8")) }));
const panelsOf = (d: any): any[] => d.panels.flatMap((p: any) => [p, ...(p.panels ?? [])]);

describe("Grafana dashboards", () => {
  const registered = registeredMetricNames();

  it("cover HTTP, ingest, rules, incidents and notifications", () => {
    expect(dashboards.map((d) => d.file).sort()).toEqual([
      "msp-http.json",
      "msp-incidents.json",
      "msp-ingest.json",
      "msp-notifications.json",
      "msp-rules.json",
    ]);
  });

  it("finds metric names in PromQL, and the source scan finds the platform's metrics", () => {
    expect(metricsIn('histogram_quantile(0.9, sum by (le) (rate(a_b_bucket{x="y"}[5m])))')).toEqual(
      ["a_b_bucket"],
    );
    expect(metricsIn("sum(rate(c_total{}[1m])) / sum(d{})")).toEqual(["c_total", "d"]);
    for (const n of [
      "http_request_duration_seconds_bucket",
      "collector_active_series",
      "process_cpu_seconds_total",
    ])
      expect(registered).toContain(n);
    expect(registered).not.toContain("no_such_metric_total");
  });

  for (const { file, json } of dashboards) {
    describe(file, () => {
      it("is a Grafana dashboard with the Prometheus data source as a variable", () => {
        expect(json.schemaVersion).toBeGreaterThanOrEqual(36);
        expect(json.uid).toMatch(/^msp-[a-z-]+$/);
        expect(json.title).toBeTruthy();
        const ds = json.templating.list.find((v: any) => v.type === "datasource");
        expect(ds).toMatchObject({ name: "DS_PROMETHEUS", query: "prometheus" });
        const uids = JSON.stringify(json).match(/"uid":\s*"[^"]*"/g) ?? [];
        for (const u of uids)
          expect(u).toMatch(/"uid":\s*"(\$\{DS_PROMETHEUS\}|-- Grafana --|msp-[a-z-]+)"/);
      });

      it("lays out panels with unique ids inside the 24-column grid", () => {
        const panels = panelsOf(json);
        expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
        for (const p of panels) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      });

      it("queries only metrics the platform registers", () => {
        const targets = panelsOf(json).filter((p) => p.type !== "row");
        expect(targets.length).toBeGreaterThan(0);
        for (const panel of targets) {
          expect(panel.datasource.uid, panel.title).toBe("${DS_PROMETHEUS}");
          expect(panel.targets.length, panel.title).toBeGreaterThan(0);
          for (const t of panel.targets) {
            const names = metricsIn(t.expr);
            expect(names.length, `${panel.title}: ${t.expr}`).toBeGreaterThan(0);
            for (const n of names)
              expect(registered.has(n) || PENDING.has(n), `${file} "${panel.title}": ${n}`).toBe(
                true,
              );
          }
        }
        for (const v of json.templating.list.filter((v: any) => v.type === "query"))
          for (const n of v.definition.match(/label_values\((\w+)/).slice(1))
            expect(registered).toContain(n);
      });
    });
  }

  it("charts every metric still listed as pending (the list cannot rot)", () => {
    const used = new Set(
      dashboards.flatMap(({ json }) =>
        panelsOf(json).flatMap((p) => (p.targets ?? []).flatMap((t: any) => metricsIn(t.expr))),
      ),
    );
    for (const n of PENDING) expect(used).toContain(n);
  });
});

describe("docker-compose.yml and deploy/", () => {
  const compose = yaml.load(read("docker-compose.yml"));

  it("runs the platform, PostgreSQL, Prometheus and Grafana", () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      "app",
      "grafana",
      "postgres",
      "prometheus",
    ]);
    for (const [name, s] of Object.entries<any>(compose.services)) {
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const dep of deps) expect(compose.services, `${name} → ${dep}`).toHaveProperty(dep);
    }
  });

  it("bind-mounts only files and folders that exist", () => {
    const mounts = Object.values<any>(compose.services).flatMap((s) => s.volumes ?? []);
    const binds = mounts.filter((m: string) => m.startsWith("./"));
    expect(binds.length).toBeGreaterThanOrEqual(3);
    for (const m of binds) expect(existsSync(join(ROOT, m.split(":")[0])), m).toBe(true);
    const named = mounts
      .filter((m: string) => !m.startsWith("./"))
      .map((m: string) => m.split(":")[0]!);
    for (const n of named) expect(compose.volumes).toHaveProperty(n);
  });

  it("has Prometheus scrape the app's /metrics", () => {
    const prom = yaml.load(read("deploy/prometheus/prometheus.yml"));
    const job = prom.scrape_configs.find((j: any) => j.job_name === "msp-platform");
    expect(job.metrics_path).toBe("/metrics");
    expect(job.dns_sd_configs[0]).toMatchObject({ names: ["app"], port: 8080 });
    expect(compose.services.app.environment.PORT).toBe("8080");
  });

  it("provisions Grafana with the Prometheus data source and the dashboards folder", () => {
    const ds = yaml.load(read("deploy/grafana/provisioning/datasources/prometheus.yml"));
    expect(ds.datasources[0]).toMatchObject({ type: "prometheus", url: "http://prometheus:9090" });
    const provider = yaml.load(read("deploy/grafana/provisioning/dashboards/msp.yml")).providers[0];
    const mount = compose.services.grafana.volumes.find((v: string) =>
      v.startsWith("./dashboards/grafana:"),
    );
    expect(mount.split(":")[1]).toBe(provider.options.path);
  });

  const promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].find(existsSync);
  it.skipIf(!promtool)("passes promtool check config", () => {
    const out = execFileSync(
      promtool!,
      ["check", "config", join(ROOT, "deploy/prometheus/prometheus.yml")],
      {
        encoding: "utf8",
      },
    );
    expect(out).toContain("SUCCESS");
  });
});
