import { z } from "zod";
import { defineRoute, type RouteDef } from "../http/route.js";
import { AppError } from "../shared/errors.js";
import { previewInvoice } from "./preview.js";
import { Scenario } from "./scenario.schema.js";

export function billingRoutes(): RouteDef[] {
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
      handler: ({ body }) => {
        const result = previewInvoice(body);
        if (!result.ok) {
          return Promise.reject(
            new AppError("VALIDATION", "invalid billing scenario", result.issues),
          );
        }
        return Promise.resolve(result.invoice);
      },
    }),
  ];
}
