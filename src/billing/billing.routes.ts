import { z } from "zod";
import { defineRoute, type RouteDef } from "../http/route.js";
import { AppError } from "../shared/errors.js";
import type { BillingDeps } from "./billing.store.js";
import { previewInvoice, previewWithStoredTariffs } from "./preview.js";
import { Scenario } from "./scenario.schema.js";

/** With a database, quotes use the stored tariff versions the close uses; without, the built-in. */
export function billingRoutes(deps: { billing?: BillingDeps } = {}): RouteDef[] {
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
        const result = deps.billing
          ? await previewWithStoredTariffs(deps.billing.store, body)
          : previewInvoice(body);
        if (!result.ok) throw new AppError("VALIDATION", "invalid billing scenario", result.issues);
        return result.invoice;
      },
    }),
  ];
}
