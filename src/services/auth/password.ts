import { hash, verify } from '@node-rs/argon2';

// argon2id with the library's defaults (19 MiB, 2 passes): slow and salted, ~10 ms here.
export const hashPassword = (password: string): Promise<string> => hash(password);

// A real hash to verify against when the user does not exist, so a login takes as long either way.
const missingUserHash = hash('orion-timing-equaliser');

export async function verifyPassword(password: string, passwordHash: string | null): Promise<boolean> {
  if (!passwordHash) {
    await verify(await missingUserHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
