// Offboarding when no admin can log in: disable a user, or reset a password to a one-time
// one. Both revoke every session and API key of the user at once; audited as "system".
// Running servers hear of it through the security events (PostgreSQL NOTIFY) and close the
// user's sockets at once.
import { parseArgs } from "node:util";
import { z } from "zod";
import {
  createAccountsDeps,
  createUserStore,
  type UserStore,
} from "../../accounts/account.store.js";
import { disableUser, enableUser, resetPassword } from "../../accounts/users.js";
import { AppError, notFound } from "../../shared/errors.js";
import type { CliCommand, CliContext } from "../command.js";

async function userIdOf(
  users: Pick<UserStore, "findByEmail">,
  args: readonly string[],
): Promise<string> {
  const { values } = parseArgs({
    args: [...args],
    options: { email: { type: "string" } },
    strict: true,
  });
  const email = z.email().safeParse(values.email?.trim().toLowerCase());
  if (!email.success)
    throw new AppError("VALIDATION", "--email must be the user's e-mail address", [
      { path: "--email", message: "must be an e-mail address" },
    ]);
  const user = await users.findByEmail(email.data);
  if (!user) throw notFound(`user ${email.data}`);
  return user.id;
}

const lookup = (ctx: CliContext) => createUserStore(ctx.db!);

export const disableUserCommand: CliCommand = {
  path: ["user", "disable"],
  summary: "user disable --email E: disable a user, revoking every session and API key",
  needsDatabase: true,
  run: async (args, io, ctx) => {
    const id = await userIdOf(lookup(ctx), args);
    const user = await disableUser(createAccountsDeps(ctx.db!), "system", id, ctx.now());
    io.stdout(`disabled ${user.email}; every session and API key revoked\n`);
    return 0;
  },
};

export const enableUserCommand: CliCommand = {
  path: ["user", "enable"],
  summary: "user enable --email E: re-enable a disabled user",
  needsDatabase: true,
  run: async (args, io, ctx) => {
    const id = await userIdOf(lookup(ctx), args);
    const user = await enableUser(createAccountsDeps(ctx.db!), "system", id, ctx.now());
    io.stdout(`enabled ${user.email}\n`);
    return 0;
  },
};

export const resetPasswordCommand: CliCommand = {
  path: ["user", "reset-password"],
  summary: "user reset-password --email E: one-time password (must be changed); revokes access",
  needsDatabase: true,
  run: async (args, io, ctx) => {
    const id = await userIdOf(lookup(ctx), args);
    const { user, oneTimePassword } = await resetPassword(
      createAccountsDeps(ctx.db!),
      "system",
      id,
      ctx.now(),
    );
    io.stdout(
      `password of ${user.email} reset; every session and API key revoked\n` +
        `one-time password (must be changed at first login): ${oneTimePassword}\n`,
    );
    return 0;
  },
};
