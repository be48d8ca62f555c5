// `billing close --month 2026-11`: the monthly close on demand (the scheduler runs it at 00:05
// JST on the 1st). Idempotent: a month already closed issues nothing new. `billing revise`
// issues the next revision of one contract's invoice with a reason.
import { parseArgs } from "node:util";
import { z } from "zod";
import { closeDeps } from "../../billing/close/close.store.js";
import { reviseInvoice } from "../../billing/close/revise-invoice.js";
import { runMonthlyClose } from "../../billing/close/run-close.js";
import { storedUsage } from "../../incidents/quota.store.js";
import { isYearMonth } from "../../domain/time/month.js";
import { AppError } from "../../shared/errors.js";
import type { CliCommand } from "../command.js";

const monthArg = (value: string | undefined): string => {
  if (value === undefined || !isYearMonth(value)) {
    throw new AppError("VALIDATION", "--month must be a month YYYY-MM", [
      { path: "--month", message: "must be a month YYYY-MM" },
    ]);
  }
  return value;
};

export const billingCloseCommand: CliCommand = {
  path: ["billing", "close"],
  summary:
    "billing close --month YYYY-MM: issue the month's invoices (idempotent); prints a JSON summary",
  needsDatabase: true,
  run: async (args, io, ctx) => {
    const { values } = parseArgs({
      args: [...args],
      options: { month: { type: "string" } },
      strict: true,
    });
    const result = await runMonthlyClose({
      deps: closeDeps(ctx.db!, storedUsage),
      month: monthArg(values.month),
      now: ctx.now(),
    });
    io.stdout(`${JSON.stringify(result)}\n`);
    if (result.failed.length > 0)
      io.stderr(
        `${result.failed.length} contract(s) not invoiced: their stored data is invalid (see "failed")\n`,
      );
    return result.failed.length > 0 ? 1 : 0;
  },
};

export const billingReviseCommand: CliCommand = {
  path: ["billing", "revise"],
  summary:
    "billing revise --contract ID --month YYYY-MM --reason TEXT: issue the next invoice revision",
  needsDatabase: true,
  run: async (args, io, ctx) => {
    const { values } = parseArgs({
      args: [...args],
      options: {
        contract: { type: "string" },
        month: { type: "string" },
        reason: { type: "string" },
      },
      strict: true,
    });
    const contract = z.uuid().safeParse(values.contract);
    const issues = [
      ...(contract.success
        ? []
        : [{ path: "--contract", message: "must be a contract id (uuid)" }]),
      ...(values.reason?.trim() ? [] : [{ path: "--reason", message: "is required" }]),
    ];
    if (issues.length > 0) throw new AppError("VALIDATION", "invalid arguments", issues);
    const input = {
      contractId: contract.data!,
      month: monthArg(values.month),
      reason: values.reason!.trim(),
    };
    const invoice = await reviseInvoice(
      closeDeps(ctx.db!, storedUsage),
      "system",
      input,
      ctx.now(),
    );
    io.stdout(
      `${JSON.stringify({ id: invoice.id, month: invoice.month, revision: invoice.revision, totalYen: invoice.totalYen })}\n`,
    );
    return 0;
  },
};
