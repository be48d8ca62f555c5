import express, { type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import type { z } from "zod";
import type { Actor } from "../access/actor.js";
import { secretFromHeaders, type Authenticated } from "../accounts/authenticate.js";
import type { Clock } from "../infra/clock.js";
import type { PlatformMetrics } from "../infra/metrics.js";
import { AppError } from "../shared/errors.js";
import { zodIssues } from "../shared/zod-issues.js";
import { controlCharacterIssue } from "./control-characters.js";
import { errorHandler, notFoundHandler } from "./error-handler.js";
import { buildOpenApi } from "./openapi.js";
import type { RouteDef } from "./route.js";

export interface HttpDeps {
  /** The actor behind a session token or API key, or null when not valid at `now`. */
  authenticate: (secret: string, now: Date) => Promise<Authenticated | null>;
  clock: Clock;
  log: Logger;
  metrics: PlatformMetrics;
  bodyLimitBytes: number;
  trustProxy: boolean;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  metricsBearerToken?: string | undefined;
  version: string;
  /** Extra routers mounted before the API (e.g. ingest endpoints with their own parsers). */
  mounts?: { path: string; router: express.Router }[];
  isReady: () => Promise<boolean>;
}

declare module "express-serve-static-core" {
  interface Request {
    id: string;
    log: Logger;
  }
}

export function createHttpApp(deps: HttpDeps, routes: readonly RouteDef[]): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.trustProxy);
  app.set("query parser", "simple");
  app.use(helmet({ contentSecurityPolicy: { directives: { "script-src": ["'self'"] } } }));
  app.use(requestContext(deps));
  for (const m of deps.mounts ?? []) app.use(m.path, m.router);

  app.get("/healthz", (_req, res) => void res.json({ status: "ok" }));
  app.get("/readyz", async (_req, res) => {
    const ready = await deps.isReady().catch(() => false);
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready" });
  });
  app.get("/metrics", async (req, res) => {
    if (
      deps.metricsBearerToken &&
      !bearerMatches(req.header("authorization"), deps.metricsBearerToken)
    ) {
      res.setHeader("www-authenticate", 'Bearer realm="metrics"');
      res.status(401).json({ code: "UNAUTHORIZED", message: "metrics need the bearer token" });
      return;
    }
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  const openapi = buildOpenApi(routes, deps.version);
  app.get("/api/v1/openapi.json", (_req, res) => void res.json(openapi));

  const api = express.Router();
  api.use(requireJsonBodies, express.json({ limit: deps.bodyLimitBytes, strict: true }));
  for (const route of routes) mountRoute(api, route, deps);
  app.use("/api/v1", api);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

/** Constant-time comparison of `Authorization: Bearer …` with the expected token. */
function bearerMatches(header: string | undefined, expected: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
  if (!given) return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** A request this slow is logged at info whatever its route asked for. */
const SLOW_REQUEST_S = 1;

function requestContext(deps: HttpDeps) {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.header("x-request-id");
    req.id = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    req.log = deps.log.child({ requestId: req.id });
    res.setHeader("x-request-id", req.id);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      // Express types `req.route` as any; when a route matched, its `path` labels the metric.
      const matched = req.route as { path: unknown } | undefined;
      const route = matched ? `${req.baseUrl}${String(matched.path)}` : "unmatched";
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.metrics.httpDuration.observe(
        { method: req.method, route, status: res.statusCode },
        seconds,
      );
      // Routes that set `res.locals.accessLog = "errors"` (metric pushes: thousands a second
      // at scale, counted in the metrics) log a success that was not slow at debug only.
      const routine =
        res.locals.accessLog === "errors" && res.statusCode < 400 && seconds < SLOW_REQUEST_S;
      (routine ? req.log.debug : req.log.info).call(
        req.log,
        {
          method: req.method,
          // The path only: query strings can carry search terms and other personal data.
          url: req.originalUrl.split("?", 1)[0],
          status: res.statusCode,
          ms: Math.round(seconds * 1000),
        },
        "request",
      );
    });
    next();
  };
}

// A body sent with another content type would be silently ignored by the JSON parser;
// refuse it instead so the client learns why its fields "disappeared".
function requireJsonBodies(req: Request, _res: Response, next: NextFunction) {
  const hasBody =
    Number(req.headers["content-length"] ?? 0) > 0 ||
    req.headers["transfer-encoding"] !== undefined;
  if (hasBody && !req.is("application/json")) {
    next(new AppError("UNSUPPORTED_MEDIA_TYPE", "request bodies must be application/json"));
    return;
  }
  next();
}

function mountRoute(router: express.Router, route: RouteDef, deps: HttpDeps) {
  router[route.method](route.path, async (req: Request, res: Response) => {
    const actor =
      route.roles === "public"
        ? (undefined as unknown as Actor)
        : await requireActor(req, route, deps);
    const parts = {
      params: parse(route.params, req.params, "params"),
      query: parse(route.query, req.query, "query"),
      body: parse(route.body, route.body ? req.body : undefined, "body"),
    };
    const result = await route.handler({
      actor,
      ...parts,
      requestId: req.id,
      log: req.log,
      req,
      res,
    });
    if (res.headersSent) return;
    res.status(route.status ?? 200);
    if (route.status === 204) res.end();
    else res.json(result);
  });
}

async function requireActor(req: Request, route: RouteDef, deps: HttpDeps): Promise<Actor> {
  const secret = secretFromHeaders(req.header("authorization"), req.header("cookie"));
  const found = secret ? await deps.authenticate(secret, deps.clock.now()) : null;
  if (!found) throw new AppError("UNAUTHORIZED", "missing, expired or revoked credentials");
  const { mustChangePassword, ...actor } = found;
  if (mustChangePassword && !route.allowWhilePasswordChangeRequired) {
    throw new AppError(
      "FORBIDDEN",
      "change your one-time password first (POST /api/v1/auth/password)",
      [],
      { reason: "password_change_required" },
    );
  }
  if (route.roles !== "public" && !route.roles.includes(actor.role)) {
    throw new AppError("FORBIDDEN", `role ${actor.role} may not ${route.summary.toLowerCase()}`);
  }
  return { ...actor, requestId: req.id };
}

function parse(
  schema: z.ZodType | undefined,
  value: unknown,
  where: "params" | "query" | "body",
): unknown {
  if (!schema) return undefined;
  const bad = controlCharacterIssue(value, where === "body" ? "" : where);
  if (bad) throw new AppError("VALIDATION", `invalid request ${where}`, [bad]);
  const result = schema.safeParse(value ?? (where === "body" ? undefined : {}));
  if (result.success) return result.data;
  throw new AppError(
    "VALIDATION",
    `invalid request ${where}`,
    zodIssues(result.error, where === "body" ? "" : where),
  );
}
