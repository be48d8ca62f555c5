import type { Tx } from "../db/unit-of-work.js";
import type { AccountsDeps } from "./deps.js";
import { newSecret } from "./secrets.js";

export const CREDENTIAL_KINDS = ["session", "api_key"] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** Issues a session or API key; returns the secret, which is never stored or shown again. */
export async function issueCredential(
  deps: Pick<AccountsDeps, "credentials">,
  input: { kind: CredentialKind; userId: string; name: string | null; expiresAt: Date | null },
  tx?: Tx,
) {
  const { secret, hash, prefix } = newSecret(input.kind);
  const row = await deps.credentials.create({ ...input, secretHash: hash, prefix }, tx);
  return { row, secret };
}
