import "reflect-metadata";
import { readFile } from "node:fs/promises";
import { openDatabase } from "../db/database.js";
import { DataDirLockedError } from "../db/data-dir-lock.js";
import { ConfigError, loadConfig } from "../infra/config.js";
import { AppError } from "../shared/errors.js";
import type { CliCommand, CliIo } from "./command.js";
import { billingCloseCommand, billingReviseCommand } from "./commands/billing-close.js";
import { billingPreviewCommand } from "./commands/billing-preview.js";
import {
  createAdminCommand,
  listContractsCommand,
  migrateCommand,
  rotateTokenCommand,
} from "./commands/operator.js";
import { disableUserCommand, enableUserCommand, resetPasswordCommand } from "./commands/users.js";

// `npm run cli -- <command>`: the operators' entry point; later capabilities add commands here.
const COMMANDS: CliCommand[] = [
  migrateCommand,
  createAdminCommand,
  listContractsCommand,
  rotateTokenCommand,
  disableUserCommand,
  enableUserCommand,
  resetPasswordCommand,
  billingPreviewCommand,
  billingCloseCommand,
  billingReviseCommand,
];

const io: CliIo = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  readFile: (p) => readFile(p, "utf8"),
};

function usage(): string {
  return (
    "usage: npm run cli -- <command>\n\n" +
    COMMANDS.map((c) => `  ${c.path.join(" ").padEnd(22)} ${c.summary}`).join("\n") +
    "\n"
  );
}

async function main(argv: string[]): Promise<number> {
  const command = COMMANDS.find((c) => c.path.every((w, i) => argv[i] === w));
  if (!command) {
    io.stderr(argv.length ? `unknown command: ${argv.join(" ")}\n\n${usage()}` : usage());
    return 2;
  }
  const args = argv.slice(command.path.length);
  if (!command.needsDatabase) return command.run(args, io, { now: () => new Date() });
  const config = loadConfig(process.env);
  const db = await openDatabase({
    url: config.database.url,
    dataDir: config.database.dataDir,
    poolSize: 2,
    migrate: true,
  });
  try {
    return await command.run(args, io, { now: () => new Date(), db: db.dataSource });
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof AppError) {
      io.stderr(
        `${err.code}: ${err.message}\n${err.issues.map((i) => `  ${i.path}: ${i.message}\n`).join("")}`,
      );
      process.exit(1);
    }
    if (
      err instanceof ConfigError ||
      err instanceof DataDirLockedError ||
      (err as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
    ) {
      io.stderr(`${(err as Error).message}\n`);
      process.exit(2);
    }
    io.stderr(`error: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
