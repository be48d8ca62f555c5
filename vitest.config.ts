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
          include: ["src/**/*.test.ts", "agents/**/*.test.ts"],
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
    ],
  },
});
