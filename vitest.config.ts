import { defineConfig } from "vitest/config";

// Three projects: pure units, and the integration tier run once per database kind
// (a real PostgreSQL server and the embedded PGlite), so every query is proven on both.
const integration = (kind: "postgres" | "pglite") => ({
  test: {
    name: `integration-${kind}`,
    include: ["test/integration/**/*.test.ts"],
    env: { TEST_DB_KIND: kind },
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "agents/**/*.test.ts", "test/unit/**/*.test.ts"],
          exclude: ["**/node_modules/**"],
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      integration("postgres"),
      integration("pglite"),
      {
        // The web UI in Debian's Chromium (playwright-core) against an in-process platform on
        // the embedded database; web/dist is built first when stale.
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          env: { TEST_DB_KIND: "pglite" },
          globalSetup: ["test/support/global-setup.ts", "test/browser/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
