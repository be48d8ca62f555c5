import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postRemoteWrite } from "../../src/ingest/test-helpers.js";
import { collect, connect, waitFor } from "../integration/realtime.helpers.js";
import { apiClient, type ApiClient } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";
import {
  bootstrapCredentials,
  freshPostgres,
  startPlatformProcess,
  type PlatformProcess,
} from "../support/platform-processes.js";

// Two platform processes on one PostgreSQL database, as a split deployment runs them
// (decision 0017): A collects (api,collector), B serves sockets (api,realtime). An agent's
// push to A opens an incident; a NOC socket on B receives it live and B's board shows it.
describe("several processes on one PostgreSQL", () => {
  let pgdb: Awaited<ReturnType<typeof freshPostgres>>;
  let a: PlatformProcess;
  let b: PlatformProcess;
  let adminA: ApiClient;
  let socket: Socket | undefined;

  beforeAll(async () => {
    pgdb = await freshPostgres();
    a = await startPlatformProcess({ DATABASE_URL: pgdb.url, ROLES: "api,collector" });
    // B after A: A has migrated the database and created the first admin.
    b = await startPlatformProcess({ DATABASE_URL: pgdb.url, ROLES: "api,realtime" });
    const creds = bootstrapCredentials(a.out.stdout);
    let token = "";
    adminA = apiClient(`${a.url}/api/v1`, () => token);
    const login = await adminA("post", "/auth/login", { token: null, body: creds });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    token = login.body.token;
    // The bootstrap password is one-time: replace it before acting, as an operator must.
    const changed = await adminA("post", "/auth/password", {
      body: { currentPassword: creds.password, newPassword: `${creds.password}-changed` },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(204);
  }, 120_000);
  afterAll(async () => {
    socket?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await pgdb?.stop();
  });

  it("an incident opened by a push to the collector process reaches a socket and the board of the other", async () => {
    const { contract, components } = await makeContract(adminA, { plan: "standard" });
    const componentId = components[0].id as string;
    const noc = await makeUser(adminA, "noc");
    const rule = await adminA("post", "/rules", {
      body: {
        kind: "threshold",
        name: "mp: cpu high",
        metric: "node_cpu_busy_ratio",
        op: ">",
        threshold: 0.8,
        forSeconds: 0,
        severity: "critical",
        contractId: contract.id,
      },
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const agent = await adminA("post", `/components/${componentId}/agent-token`);
    expect(agent.status).toBe(201);

    socket = await connect(b.url, { token: noc.token });
    const events = collect(socket, "incident");
    const push = await postRemoteWrite(a.url, agent.body.token, [
      { labels: { __name__: "node_cpu_busy_ratio" }, samples: [[Date.now(), 0.97]] },
    ]);
    expect(push.status).toBe(200);

    const opened = await waitFor(
      events,
      (e) => e.kind === "opened" && e.incident.componentId === componentId,
      10_000,
    );
    expect(opened.incident).toMatchObject({
      contractId: contract.id,
      ruleName: "mp: cpu high",
      severity: "critical",
      state: "open",
    });

    const board = await apiClient(`${b.url}/api/v1`, () => noc.token)("get", "/noc/board");
    expect(board.status).toBe(200);
    const row = board.body.contracts.find((c: { id: string }) => c.id === contract.id);
    expect(row.incidents.critical).toBe(1);
  });
});
