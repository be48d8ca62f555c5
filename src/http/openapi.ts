import { z } from "zod";
import type { RouteDef } from "./route.js";

const ErrorBody = z.object({
  code: z.string(),
  message: z.string(),
  requestId: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

const schemaOf = (s: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(s, { io, unrepresentable: "any", target: "openapi-3.0" }) as Record<
    string,
    unknown
  >;

function parametersOf(schema: z.ZodType | undefined, where: "path" | "query") {
  if (!schema) return [];
  const json = schemaOf(schema, "input") as {
    properties?: Record<string, unknown>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === "path" || (json.required ?? []).includes(name),
    schema: s,
  }));
}

/** Builds the OpenAPI 3.0 document from the route declarations themselves. */
export function buildOpenApi(
  routes: readonly RouteDef[],
  version: string,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = "/api/v1" + r.path.replace(/:([A-Za-z]+)/g, "{$1}");
    const responses: Record<string, unknown> = {
      [String(r.status ?? 200)]: {
        description: "success",
        ...(r.status === 204
          ? {}
          : r.produces
            ? { content: { [r.produces]: { schema: { type: "string" } } } }
            : r.response
              ? { content: { "application/json": { schema: schemaOf(r.response, "output") } } }
              : {}),
      },
      "400": { $ref: "#/components/responses/Error" },
    };
    if (r.roles !== "public") {
      responses["401"] = { $ref: "#/components/responses/Error" };
      responses["403"] = { $ref: "#/components/responses/Error" };
    }
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      tags: [r.tag],
      ...(r.roles === "public" ? { security: [] } : { "x-roles": r.roles }),
      parameters: [...parametersOf(r.params, "path"), ...parametersOf(r.query, "query")],
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: schemaOf(r.body, "input") } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.0.3",
    info: { title: "MSP platform API", version },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { Error: schemaOf(ErrorBody, "output") },
      responses: {
        Error: {
          description: "error",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
    },
    paths,
  };
}
