import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract } from "../support/factories.js";

describe("bad input", () => {
  let app: TestApp;
  let contractId: string;
  beforeAll(async () => {
    app = await startTestApp();
    contractId = (await makeContract(app.api)).contract.id;
  });
  afterAll(() => app?.stop());

  const stillServing = async () => expect((await fetch(`${app.url}/healthz`)).status).toBe(200);

  it("names every bad field of a malformed body by its JSON path", async () => {
    const res = await app.api("post", "/contracts", {
      body: {
        customerName: "",
        plan: "gold",
        contacts: [{ name: "A", email: "not-an-email", language: "fr" }],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION");
    expect(res.body.requestId).toBe(res.headers.get("x-request-id"));
    expect(res.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(
      ["contacts[0].email", "contacts[0].language", "customerName", "plan"].sort(),
    );
    await stillServing();
  });

  it("refuses unknown fields instead of ignoring them", async () => {
    const res = await app.api("post", `/contracts/${contractId}/components`, {
      body: { name: "vm-x", os: "linux", isAdmin: true },
    });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].message).toContain("isAdmin");
  });

  it("answers malformed JSON with 400 and no stack trace", async () => {
    const res = await app.api("post", "/contracts", {
      rawBody: '{"customerName": ',
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+/);
    await stillServing();
  });

  it("answers an oversized body with 413", async () => {
    const big = JSON.stringify({ customerName: "x".repeat(1_200_000) });
    const res = await app.api("post", "/contracts", {
      rawBody: big,
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("PAYLOAD_TOO_LARGE");
    await stillServing();
  });

  it("answers a body of another content type with 415", async () => {
    const res = await app.api("post", "/contracts", {
      rawBody: "customerName=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("validates path and query parameters", async () => {
    const bad = await app.api("get", "/contracts/not-a-uuid");
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe("params.id");
    const page = await app.api("get", "/contracts?limit=0");
    expect(page.status).toBe(400);
    expect(page.body.issues[0].path).toBe("query.limit");
  });

  it("answers an unknown route with a JSON 404", async () => {
    const res = await app.api("get", "/nope");
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("NOT_FOUND");
  });
});

describe("agent tokens", () => {
  let app: TestApp;
  beforeAll(async () => (app = await startTestApp()));
  afterAll(() => app?.stop());

  it("shows a token once and stores only its SHA-256", async () => {
    const { components } = await makeContract(app.api);
    const issued = await app.api("post", `/components/${components[0].id}/agent-token`);
    expect(issued.status).toBe(201);
    const token: string = issued.body.token;
    expect(token).toMatch(/^msa_[A-Za-z0-9_-]{43}$/);
    const rows = await app.platform.db.dataSource.query(
      "SELECT * FROM agent_tokens WHERE id = $1",
      [issued.body.id],
    );
    expect(rows[0].token_hash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(rows)).not.toContain(token);
    const listed = await app.api("get", `/contracts/${components[0].contractId}/agent-tokens`);
    expect(JSON.stringify(listed.body)).not.toContain(token);
  });

  it("rotating revokes the previous token; one live token per component", async () => {
    const { components } = await makeContract(app.api);
    const first = await app.api("post", `/components/${components[0].id}/agent-token`);
    const second = await app.api("post", `/components/${components[0].id}/agent-token`);
    const list = (await app.api("get", `/contracts/${components[0].contractId}/agent-tokens`)).body;
    expect(list.find((t: { id: string }) => t.id === first.body.id).revoked).toBe(true);
    expect(list.find((t: { id: string }) => t.id === second.body.id).revoked).toBe(false);
  });

  it("termination revokes every token and deletes the customer's accounts", async () => {
    const { contract, components } = await makeContract(app.api);
    await app.api("post", `/components/${components[0].id}/agent-token`);
    const customer = await app.api("post", "/users", {
      body: {
        email: "gone@example.jp",
        displayName: "x",
        role: "customer",
        contractId: contract.id,
        password: "a-long-password-1",
      },
    });
    expect(customer.status).toBe(201);
    const terminated = await app.api("post", `/contracts/${contract.id}/terminate`);
    expect(terminated.status).toBe(200);
    expect(terminated.body.status).toBe("terminated");
    const tokens = (await app.api("get", `/contracts/${contract.id}/agent-tokens`)).body;
    expect(tokens.every((t: { revoked: boolean }) => t.revoked)).toBe(true);
    const login = await app.api("post", "/auth/login", {
      token: null,
      body: { email: "gone@example.jp", password: "a-long-password-1" },
    });
    expect(login.status).toBe(401);
    expect((await app.api("post", `/components/${components[0].id}/agent-token`)).status).toBe(409);
  });
});
