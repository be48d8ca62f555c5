import type { EntityManager } from "typeorm";
import { CredentialEntity } from "../db/entities/index.js";
import { newSecret } from "./secrets.js";

export const CREDENTIAL_KINDS = ["session", "api_key"] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** Issues a session or API key; returns the secret, which is never stored or shown again. */
export async function issueCredential(
  manager: EntityManager,
  input: { kind: CredentialKind; userId: string; name: string | null; expiresAt: Date | null },
): Promise<{ id: string; secret: string; prefix: string; expiresAt: Date | null }> {
  const { secret, hash, prefix } = newSecret(input.kind);
  const row = await manager.save(
    manager.create(CredentialEntity, {
      kind: input.kind,
      userId: input.userId,
      secretHash: hash,
      prefix,
      name: input.name,
      expiresAt: input.expiresAt,
    }),
  );
  return { id: row.id, secret, prefix, expiresAt: row.expiresAt };
}
