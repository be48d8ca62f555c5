import { parseArgs } from "node:util";
import { z } from "zod";
import { createAccountsDeps } from "../../accounts/account.store.js";
import { createUser } from "../../accounts/users.js";
import { ContractEntity } from "../../db/entities/index.js";
import { rotateComponentToken } from "../../contracts/agent-tokens.js";
import { createContractsDeps } from "../../contracts/contract.store.js";
import { toContractView } from "../../contracts/views.js";
import { AppError } from "../../shared/errors.js";
import type { CliCommand } from "../command.js";

// Operator commands run with full rights as the CLI user; they are audited as "system"
// where the use case takes an actor, through a synthetic admin actor otherwise.
const OPERATOR = {
  via: "api_key",
  userId: "00000000-0000-0000-0000-000000000000",
  credentialId: "cli",
  role: "admin",
  contractId: null,
} as const;

export const migrateCommand: CliCommand = {
  path: ["migrate"],
  summary: "Apply pending database migrations (also done at every start)",
  needsDatabase: true,
  // The dispatcher has already migrated while opening the database; nothing left to await.
  run: (_args, io) => {
    io.stdout("migrations applied\n");
    return Promise.resolve(0);
  },
};

export const createAdminCommand: CliCommand = {
  path: ["admin", "create"],
  summary: "admin create --email E [--name N]: create an admin; prints a one-time password",
  needsDatabase: true,
  run: async (args, io, ctx) => {
    const { values } = parseArgs({
      args: [...args],
      options: { email: { type: "string" }, name: { type: "string" } },
      strict: true,
    });
    const { user, oneTimePassword } = await createUser(
      createAccountsDeps(ctx.db!),
      "system",
      {
        email: (values.email ?? "").toLowerCase(),
        displayName: values.name ?? "Administrator",
        role: "admin",
        contractId: null,
        language: "en",
      },
      ctx.now(),
    );
    io.stdout(`created admin ${user.email}\none-time password: ${oneTimePassword}\n`);
    return 0;
  },
};

export const listContractsCommand: CliCommand = {
  path: ["contracts", "list"],
  summary: "contracts list [--status S]: list contracts as JSON lines",
  needsDatabase: true,
  run: async (args, io, ctx) => {
    const { values } = parseArgs({
      args: [...args],
      options: { status: { type: "string" } },
      strict: true,
    });
    const rows = await ctx
      .db!.getRepository(ContractEntity)
      .find({ where: values.status ? { status: values.status } : {}, order: { createdAt: "ASC" } });
    for (const row of rows) io.stdout(JSON.stringify(toContractView(row)) + "\n");
    return 0;
  },
};

export const rotateTokenCommand: CliCommand = {
  path: ["agent-token", "rotate"],
  summary: "agent-token rotate --component ID: issue a new agent token (prints it once)",
  needsDatabase: true,
  run: async (args, io, ctx) => {
    const { values } = parseArgs({
      args: [...args],
      options: { component: { type: "string" } },
      strict: true,
    });
    const id = z.uuid().safeParse(values.component);
    if (!id.success)
      throw new AppError("VALIDATION", "--component must be a component id (uuid)", [
        { path: "--component", message: "must be a uuid" },
      ]);
    const token = await rotateComponentToken(
      createContractsDeps(ctx.db!),
      OPERATOR,
      { kind: "all" },
      id.data,
      ctx.now(),
    );
    io.stdout(`${token.token}\n`);
    return 0;
  },
};
