// A CLI command: `npm run cli -- <name...> [args]`. Commands write to the given streams and
// return an exit code instead of calling process.exit, so they are testable in-process.
import type { Database } from "../db/database.js";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => Promise<string>;
}

export interface CliCommand {
  /** Words that select the command, e.g. ["billing", "preview"]. */
  path: readonly string[];
  summary: string;
  /** True when the command needs the database (the dispatcher opens it first). */
  needsDatabase: boolean;
  run: (args: readonly string[], io: CliIo, ctx: CliContext) => Promise<number>;
}

/** What the dispatcher hands a command; `db` is set only when `needsDatabase` is true. */
export interface CliContext {
  now: () => Date;
  db?: Database["dataSource"];
}
