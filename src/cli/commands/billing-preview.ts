// `billing preview --file scenario.json`: prints the invoice of a billing scenario (SPEC §7).
// Exit codes: 0 invoice printed, 1 invalid scenario (problems on stderr), 2 usage, unreadable
// file or invalid JSON.
import { previewInvoice } from "../../billing/preview.js";
import type { CliCommand, CliIo } from "../command.js";

const USAGE = "usage: billing preview --file <scenario.json>   (use --file - to read stdin)";

type Args = { file: string } | { help: true } | { error: string };

function parseArgs(args: readonly string[]): Args {
  let file: string | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? "";
    if (arg === "--help" || arg === "-h") return { help: true };
    if (arg.startsWith("--file=")) file = arg.slice("--file=".length);
    else if (arg === "--file") {
      file = args[i + 1];
      i += 1;
      if (file === undefined) return { error: "--file needs a path" };
    } else return { error: `unexpected argument: ${arg}` };
  }
  if (file === undefined || file === "") return { error: "missing --file <scenario.json>" };
  return { file };
}

async function readJson(io: CliIo, file: string): Promise<{ json: unknown } | { error: string }> {
  let text: string;
  try {
    text = await io.readFile(file === "-" ? "/dev/stdin" : file);
  } catch (err) {
    return { error: `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}` };
  }
  try {
    return { json: JSON.parse(text) as unknown };
  } catch (err) {
    return {
      error: `${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

export const billingPreviewCommand: CliCommand = {
  path: ["billing", "preview"],
  summary: "Print the invoice JSON of a billing scenario file (SPEC §7)",
  needsDatabase: false,
  async run(args, io) {
    const parsed = parseArgs(args);
    if ("help" in parsed) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    if ("error" in parsed) {
      io.stderr(`${parsed.error}\n${USAGE}\n`);
      return 2;
    }
    const read = await readJson(io, parsed.file);
    if ("error" in read) {
      io.stderr(`${read.error}\n`);
      return 2;
    }
    const result = previewInvoice(read.json);
    if (!result.ok) {
      io.stderr(result.issues.map((i) => `${i.path || "(scenario)"}: ${i.message}\n`).join(""));
      return 1;
    }
    io.stdout(`${JSON.stringify(result.invoice, null, 2)}\n`);
    return 0;
  },
};
