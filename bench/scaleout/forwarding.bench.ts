// ingest.forward_overhead_ms: what a push costs when it reaches a collector that does not
// hold its contract and is forwarded to the holder (decision 0019), against the same push
// sent to the holder. Two collector processes (`tsx src/main.ts`) on one PostgreSQL
// database; one small remote_write push at a time (latency, not throughput), alternating.
// Needs PostgreSQL: TEST_DATABASE_URL's server, or a throwaway one from Debian's binaries.
// Run: node --import tsx bench/scaleout/forwarding.bench.ts
import { pathToFileURL } from "node:url";
import { postRemoteWrite } from "../../src/ingest/test-helpers.js";
import { apiClient } from "../../test/support/app.js";
import { makeContract } from "../../test/support/factories.js";
import {
  bootstrapCredentials,
  freshPostgres,
  startPlatformProcess,
} from "../../test/support/platform-processes.js";
import { percentile, round2 } from "../realtime/bench-platform.js";

const PUSHES = Number(process.env.BENCH_FORWARD_PUSHES ?? 1_000);

async function push(url: string, token: string, value: number): Promise<number> {
  const t0 = performance.now();
  const res = await postRemoteWrite(url, token, [
    { labels: { __name__: "node_load1" }, samples: [[Date.now(), value]] },
    { labels: { __name__: "node_load5" }, samples: [[Date.now(), value]] },
  ]);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`push answered ${res.status}`);
  return performance.now() - t0;
}

export async function main() {
  const pg = await freshPostgres();
  const holder = await startPlatformProcess(
    { DATABASE_URL: pg.url, ROLES: "api,collector" },
    120_000,
  );
  const other = await startPlatformProcess({ DATABASE_URL: pg.url, ROLES: "collector" }, 120_000);
  try {
    const creds = bootstrapCredentials(holder.out.stdout);
    let token = "";
    const admin = apiClient(`${holder.url}/api/v1`, () => token);
    token = (await admin("post", "/auth/login", { token: null, body: creds })).body.token;
    await admin("post", "/auth/password", {
      body: { currentPassword: creds.password, newPassword: `${creds.password}-changed` },
    });
    const { components } = await makeContract(admin);
    const agent = (await admin("post", `/components/${components[0].id}/agent-token`)).body
      .token as string;
    await push(holder.url, agent, 0); // the holder takes the lease
    for (let i = 0; i < 50; i++) await push(i % 2 ? holder.url : other.url, agent, i); // warm-up
    const direct: number[] = [];
    const forwarded: number[] = [];
    for (let i = 0; i < PUSHES; i++) {
      direct.push(await push(holder.url, agent, i));
      forwarded.push(await push(other.url, agent, i));
    }
    direct.sort((a, b) => a - b);
    forwarded.sort((a, b) => a - b);
    const p = (xs: number[], q: number) => round2(percentile(xs, q));
    return [
      {
        bench: "ingest.forward_overhead_ms",
        value: round2(percentile(forwarded, 50) - percentile(direct, 50)),
        unit: "ms",
        pushes: PUSHES,
        directP50Ms: p(direct, 50),
        directP99Ms: p(direct, 99),
        forwardedP50Ms: p(forwarded, 50),
        forwardedP99Ms: p(forwarded, 99),
      },
    ];
  } finally {
    await other.stop();
    await holder.stop();
    await pg.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const line of await main()) process.stdout.write(JSON.stringify(line) + "\n");
}
