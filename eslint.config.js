// @ts-check
import js from "@eslint/js";
import { builtinModules } from "node:module";
import tseslint from "typescript-eslint";

const DB_HTTP_MODULES = ["typeorm", "pg", "express"];
// The composition root (src/platform) wires features; features never import it back.
const COMPOSITION_ROOT = {
  regex: "(^|/)platform/",
  message:
    "src/platform is the composition root: import clock/config/logger/metrics from src/infra",
};
// TypeORM belongs to src/db and the feature stores; use cases take store interfaces.
const PERSISTENCE = {
  group: ["typeorm", "typeorm/*"],
  message: "persistence lives in a *.store.ts (or src/db): take the store's interface instead",
};
const IO_MODULES = [
  "node:*",
  "fs",
  "net",
  "http",
  "https",
  "child_process",
  ...DB_HTTP_MODULES,
  "pino",
  "nodemailer",
  "socket.io",
  "prom-client",
  "node-cron",
  "@electric-sql/*",
];

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "data/",
      "dist/",
      "coverage/",
      "test-results/",
      "agents/",
      "dashboards/",
      "web/dist/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { fixStyle: "inline-type-imports", disallowTypeAnnotations: false },
      ],
    },
  },
  {
    // Layer boundary (STYLE 3): TypeORM is imported only by src/db and the feature stores.
    // src/domain gets the same ban from IO_MODULES in its own block below: flat config
    // replaces a rule's options per file instead of merging them, so the two blocks must
    // not both match a domain file (when they did, this one silently disabled STYLE 1).
    files: ["src/shared/**/*.ts", "src/ingest/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: DB_HTTP_MODULES, message: "this layer does not touch the database or HTTP" },
            COMPOSITION_ROOT,
          ],
        },
      ],
    },
  },
  {
    // Layer boundaries for features (STYLE 3, decision 0018): persistence lives in stores
    // (`*.store.ts`) and src/db, so use cases and routes never import TypeORM; and features
    // import infrastructure (src/infra), never the composition root that wires them
    // (src/platform). main.ts and the demo start the platform.
    files: ["src/**/*.ts"],
    ignores: [
      "src/shared/**",
      "src/ingest/**",
      "src/domain/**",
      "src/platform/**",
      "src/db/**",
      "src/infra/**",
      "src/main.ts",
      "src/demo/**",
      "src/**/*.store.ts",
      "src/**/*.test.ts",
    ],
    rules: {
      "no-restricted-imports": ["error", { patterns: [COMPOSITION_ROOT, PERSISTENCE] }],
    },
  },
  {
    // Stores, src/db and infrastructure adapters may use TypeORM, never the composition root.
    files: ["src/**/*.store.ts", "src/db/**/*.ts", "src/infra/**/*.ts"],
    ignores: ["src/**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [COMPOSITION_ROOT] }] },
  },
  {
    // Layer boundary (STYLE 1): the domain is pure — no I/O, no environment, no clock.
    files: ["src/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          // Bare built-ins ("os", "crypto"…) load the same modules as "node:*". Exact names
          // (`paths`), since gitignore-style patterns would also hit folders like ../domain/.
          paths: builtinModules.map((name) => ({
            name,
            message: "src/domain is pure: no Node built-ins",
          })),
          patterns: [
            { group: IO_MODULES, message: "src/domain is pure: no I/O modules" },
            {
              // A regex, not a group: gitignore-style negations ("!../../shared/*") cannot
              // re-include a file once "../../*" has matched its folder, so they never did.
              regex: "^\\.\\./\\.\\./(?!(shared|domain)/)",
              message: "src/domain may import only src/domain and src/shared",
            },
          ],
        },
      ],
      "no-restricted-globals": [
        "error",
        { name: "process", message: "src/domain must not read the environment" },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "no clock reads in src/domain: take `now` as a parameter",
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: "no clock reads in src/domain: take `now` as a parameter",
        },
      ],
    },
  },
  {
    files: ["**/*.test.ts", "test/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  { files: ["**/*.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
);
