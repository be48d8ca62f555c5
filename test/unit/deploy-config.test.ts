import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/infra/config.js";
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
  const services = compose.services as Record<string, any>;
  /** Platform processes: services built from this repository, with their environment. */
  const platform = Object.entries(services)
    .filter(([, s]) => s.build === ".")
    .map(([name, s]) => ({ name, env: s.environment as Record<string, string> }));
  const withRole = (role: string) =>
    platform.filter((p) => loadConfig(p.env).roles.includes(role as never)).map((p) => p.name);
  const addressOf = (name: string) => `${name}:${loadConfig(services[name].environment).http.port}`;
  const conf = read("deploy/nginx/nginx.conf");
  /** The body of one `upstream` block and its `server host:port` entries. */
  const upstream = (name: string) => {
    const block = new RegExp(`upstream ${name} \\{([^}]*)\\}`).exec(conf)?.[1] ?? "";
    return { block, servers: [...block.matchAll(/^\s*server ([\w.-]+:\d+)/gm)].map((m) => m[1]!) };
  };
  const location = (path: string) =>
    new RegExp(`location ${path.replace(/[/.$]/g, "\\$&")} \\{([^}]*)\\}`).exec(conf)?.[1] ?? "";

  it("runs nginx, 2 collectors, 2 api/realtime, 1 notify/scheduler, PostgreSQL, VictoriaMetrics, Prometheus, Grafana", () => {
    expect(Object.keys(services).sort()).toEqual([
      "app-1",
      "app-2",
      "collector-1",
      "collector-2",
      "grafana",
      "nginx",
      "ops",
      "postgres",
      "prometheus",
      "victoriametrics",
    ]);
    expect(withRole("collector")).toEqual(["collector-1", "collector-2"]);
    expect(withRole("api")).toEqual(["app-1", "app-2"]);
    expect(withRole("realtime")).toEqual(["app-1", "app-2"]);
    expect(withRole("notify")).toEqual(["ops"]);
    expect(withRole("scheduler")).toEqual(["ops"]);
    for (const [name, s] of Object.entries<any>(services)) {
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const dep of deps) expect(services, `${name} → ${dep}`).toHaveProperty(dep);
    }
  });

  it("gives every platform process an environment the real config schema accepts", () => {
    expect(platform).toHaveLength(5);
    for (const p of platform) {
      const config = loadConfig(p.env); // throws, naming each bad variable
      expect(config.database.url, p.name).toMatch(/@postgres:5432\//);
      expect(config.http.host, p.name).toBe("0.0.0.0");
      expect(config.http.trustProxy, p.name).toBe(true);
      expect(services[p.name].depends_on.postgres.condition).toBe("service_healthy");
    }
    // Every process's pool plus its LISTEN connections fits in PostgreSQL's connections.
    const needed = platform.reduce((n, p) => n + loadConfig(p.env).database.poolSize + 4, 0);
    const max = Number(/max_connections=(\d+)/.exec(services.postgres.command.join(" "))?.[1]);
    expect(needed).toBeLessThan(max - 10);
  });

  it("has every collector, and only collectors, forward to VictoriaMetrics' remote_write", () => {
    const listen = services.victoriametrics.command.find((c: string) =>
      c.startsWith("-httpListenAddr="),
    );
    const port = listen.split(":").pop();
    for (const name of withRole("collector"))
      expect(loadConfig(services[name].environment).collector.forward?.url, name).toBe(
        `http://victoriametrics:${port}/api/v1/write`,
      );
    for (const p of platform.filter((p) => !withRole("collector").includes(p.name)))
      expect(loadConfig(p.env).collector.forward, p.name).toBeUndefined();
  });

  it("routes nginx's upstreams to exactly the processes of each role", () => {
    const at = (names: string[]) => names.map(addressOf).sort();
    expect(upstream("collectors").servers.sort()).toEqual(at(withRole("collector")));
    expect(upstream("api").servers.sort()).toEqual(at(withRole("api")));
    expect(upstream("realtime").servers.sort()).toEqual(at(withRole("realtime")));
    expect(location("= /api/v1/write")).toContain("proxy_pass http://collectors;");
    expect(location("/api/v1/ingest/")).toContain("proxy_pass http://collectors;");
    expect(location("/socket.io/")).toContain("proxy_pass http://realtime;");
    expect(location("/")).toContain("proxy_pass http://api;");
    // Only a collector marks a push as forwarded (it then moves a contract's lease, 0023).
    for (const ingest of ["= /api/v1/write", "/api/v1/ingest/"])
      expect(location(ingest)).toContain('proxy_set_header X-Msp-Forwarded-By "";');
    expect(services.nginx.volumes).toContain("./deploy/nginx/nginx.conf:/etc/nginx/nginx.conf:ro");
    expect(services.nginx.ports).toEqual(["8080:8080"]);
  });

  it("passes socket.io's websocket upgrade and keeps a polling client on one instance", () => {
    const io = location("/socket.io/");
    expect(io).toContain("proxy_http_version 1.1;");
    expect(io).toContain("proxy_set_header Upgrade $http_upgrade;");
    expect(io).toContain("proxy_set_header Connection $connection_upgrade;");
    expect(conf).toMatch(
      /map \$http_upgrade \$connection_upgrade \{\s*default upgrade;\s*"" close;/,
    );
    expect(upstream("realtime").block).toMatch(
      /^\s*(ip_hash|hash \$\w*remote_addr( consistent)?);/m,
    );
    // Ingest bodies as large as the collectors accept.
    const maxMb = loadConfig(services["collector-1"].environment).collector.maxBodyBytes >> 20;
    expect(location("= /api/v1/write")).toContain(`client_max_body_size ${maxMb}m;`);
    expect(location("/api/v1/ingest/")).toContain(`client_max_body_size ${maxMb}m;`);
  });

  it("has Prometheus scrape every platform process and VictoriaMetrics", () => {
    const prom = yaml.load(read("deploy/prometheus/prometheus.yml"));
    const job = prom.scrape_configs.find((j: any) => j.job_name === "msp-platform");
    expect(job.metrics_path).toBe("/metrics");
    const targets = job.static_configs.flatMap((c: any) => c.targets).sort();
    expect(targets).toEqual(platform.map((p) => addressOf(p.name)).sort());
    const vm = prom.scrape_configs.find((j: any) => j.job_name === "victoriametrics");
    expect(vm.static_configs[0].targets).toEqual(["victoriametrics:8428"]);
  });

  const nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].find(existsSync);
  it.skipIf(!nginx)("passes nginx -t with the service names pointed at loopback", () => {
    const dir = mkdtempSync(join(tmpdir(), "msp-nginx-"));
    try {
      const local = conf
        .replace(/server ([\w-]+):(\d+)/g, "server 127.0.0.1:$2")
        .replace(/listen 8080;/, "listen 127.0.0.1:18080;")
        .replace(/^events/m, `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents`);
      expect(local).not.toMatch(/server (collector|app)-/);
      writeFileSync(join(dir, "nginx.conf"), local);
      // nginx -t reports on stderr and exits non-zero (execFileSync throws) on a bad config.
      execFileSync(nginx!, ["-t", "-q", "-p", `${dir}/`, "-c", join(dir, "nginx.conf")], {
        stdio: ["ignore", "pipe", "pipe"],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
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
