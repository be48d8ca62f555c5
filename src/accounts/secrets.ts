import { createHash, randomBytes } from "node:crypto";

// Bearer secrets (sessions, API keys, agent tokens) are 256-bit random values. They are
// high-entropy, so a fast SHA-256 is the right stored form (argon2 is for passwords).
export const SECRET_PREFIXES = { session: "mss_", api_key: "msk_", agent: "msa_" } as const;
export type SecretKind = keyof typeof SECRET_PREFIXES;

export function newSecret(kind: SecretKind): { secret: string; hash: string; prefix: string } {
  const secret = SECRET_PREFIXES[kind] + randomBytes(32).toString("base64url");
  return { secret, hash: hashSecret(secret), prefix: secret.slice(0, 10) };
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
