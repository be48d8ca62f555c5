import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetPasswordCommand } from "../../src/cli/commands/users.js";
import { postRemoteWrite } from "../../src/ingest/test-helpers.js";
import { loadConfig } from "../../src/infra/config.js";
import { createLogger } from "../../src/infra/logger.js";
import { startPlatform, type Platform } from "../../src/platform/platform.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";
import { connect } from "./realtime.helpers.js";

// Two instances on one PostgreSQL database: a revocation made through one bites on the
// other within a second (sockets closed, agent token refused), carried by the change feed
// (a trigger writes each revoked credential to change_log; decisions 0020, 0024), which a
// process whose listener was cut reads on reconnect.
// The embedded PGlite admits one process only (its data directory is locked), so there is
// no second instance to reach there.
describe.skipIf(process.env.TEST_DB_KIND === "pglite")("revocation across instances", () => {
  let a: TestApp;
  let b: Platform;

  beforeAll(async () => {
    a = await startTestApp({ env: { ROLES: "api" } });
    b = await startPlatform(
      loadConfig({
        PORT: "0",
        HOST: "127.0.0.1",
        DATA_DIR: a.db.dataDir,
        LOG_LEVEL: "silent",
        ROLES: "api,collector,realtime",
        DB_POOL_SIZE: "3",
        DATABASE_URL: a.db.url!,
      }),
      { log: createLogger("silent"), clock: a.clock },
    );
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  const closedWithin = (socket: Socket, ms: number) =>
    new Promise<number>((resolve, reject) => {
      const started = Date.now();
      const timer = setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms);
      socket.once("disconnect", () => {
        clearTimeout(timer);
        resolve(Date.now() - started);
      });
    });

  it("disabling a user on one instance closes their socket on the other at once", async () => {
    const noc = await makeUser(a.api, "noc");
    const socket = await connect(b.url, { token: noc.token });
    const closed = closedWithin(socket, 1_000);
    expect((await a.api("post", `/users/${noc.user.id}/disable`)).status).toBe(200);
    expect(await closed).toBeLessThan(1_000);
  });

  it("the CLI's offboarding reaches a running instance's sockets at once", async () => {
    const oncall = await makeUser(a.api, "oncall");
    const socket = await connect(b.url, { token: oncall.token });
    const closed = closedWithin(socket, 1_000);
    const io = {
      stdout: () => undefined,
      stderr: () => undefined,
      readFile: () => Promise.resolve(""),
    };
    const ctx = { now: () => a.clock.now(), db: a.platform.db.dataSource };
    expect(await resetPasswordCommand.run(["--email", oncall.user.email], io, ctx)).toBe(0);
    expect(await closed).toBeLessThan(1_000);
  });

  it("a revocation made while the other instance's listener is cut still closes the socket there", async () => {
    const noc = await makeUser(a.api, "noc");
    const socket = await connect(b.url, { token: noc.token });
    const closed = closedWithin(socket, 5_000);
    const cut = await a.platform.db.dataSource.query<unknown[]>(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND query = 'LISTEN msp_changes'`,
    );
    expect(cut.length).toBeGreaterThan(0);
    // Nobody listens now: a NOTIFY alone would be lost; the row is read on reconnect.
    expect((await a.api("post", `/users/${noc.user.id}/disable`)).status).toBe(200);
    expect(await closed).toBeLessThan(5_000);
  });

  it("an agent token revoked on one instance is refused by the other's collector within a second", async () => {
    const { components } = await makeContract(a.api);
    const issued = (await a.api("post", `/components/${components[0].id}/agent-token`)).body;
    let n = 0;
    const push = () =>
      postRemoteWrite(b.url, issued.token, [
        {
          labels: { __name__: "up" },
          samples: [[a.clock.now().getTime() - 60_000 + ++n * 1_000, 1]],
        },
      ]);
    expect((await push()).status).toBe(200); // cached on b now
    expect((await a.api("delete", `/agent-tokens/${issued.id}`)).status).toBe(200);
    const started = Date.now();
    let status = 200;
    while (Date.now() - started < 1_000 && status === 200) {
      status = (await push()).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(401);
  });
});
