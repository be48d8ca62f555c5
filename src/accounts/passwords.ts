import { hash, verify } from "@node-rs/argon2";
import { randomBytes } from "node:crypto";

export const hashPassword = (password: string): Promise<string> => hash(password);

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** A one-time password a person can type: 20 characters of base64url. */
export const generatePassword = (): string => randomBytes(15).toString("base64url");

// Verifying against a fixed hash for unknown e-mails keeps login timing uniform.
let dummyHash: Promise<string> | undefined;
export const dummyPasswordHash = (): Promise<string> => (dummyHash ??= hash("not-a-user"));
