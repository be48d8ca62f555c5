import type { z } from "zod";
import type { ErrorIssue } from "./errors.js";

/** Renders a zod issue path as a JSON path: `outages[0].restoredAt`. */
export function formatPath(path: readonly PropertyKey[], root = ""): string {
  let out = root;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

export function zodIssues(error: z.ZodError, root = ""): ErrorIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath(issue.path, root),
    message: issue.message,
  }));
}
