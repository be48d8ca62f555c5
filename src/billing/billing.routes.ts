import type { DataSource } from "typeorm";
import { z } from "zod";
import { defineRoute, type RouteDef } from "../http/route.js";
import { AppError } from "../shared/errors.js";
import { tariffVersions } from "./close/close-store.js";
import { previewInvoice } from "./preview.js";
import { Scenario } from "./scenario.schema.js";

/** With a database, quotes use the stored tariff versions the close uses; without, the built-in. */
export function billingRoutes(deps: { db?: DataSource } = {}): RouteDef[] {
  return [
    defineRoute({
      method: "post",
      path: "/billing/preview",
      tag: "billing",
      roles: ["admin"],
      summary: "Compute the invoice of a billing scenario (SPEC 7) without storing anything",
      // Validated by previewInvoice so the CLI and the API report the very same issues.
      body: z.unknown().meta({
        description: "a billing scenario",
        ...z.toJSONSchema(Scenario, { io: "input", unrepresentable: "any" }),
      }),
      handler: async ({ body }) => {
        const versions = deps.db ? await tariffVersions(deps.db) : undefined;
        const result = previewInvoice(body, versions);
        if (!result.ok) throw new AppError("VALIDATION", "invalid billing scenario", result.issues);
        return result.invoice;
      },
    }),
  ];
}
