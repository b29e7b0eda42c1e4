import { hash, verify } from '@node-rs/argon2';

/** argon2id's cost parameters (@node-rs/argon2 defaults to argon2id). */
export interface PasswordCost {
  /** KiB of memory per hash. */
  memoryCost: number;
  /** Passes over the memory. */
  timeCost: number;
  parallelism: number;
}

/** OWASP's argon2id floor, what production hashes with: 19 MiB, 2 passes, 1 lane. */
export const PRODUCTION_PASSWORD_COST: PasswordCost = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** Hashing and checking passwords at one cost; the server uses production's, tests a cheap one. */
export interface Passwords {
  /** Hashes a password with argon2id into a PHC string. */
  hash(password: string): Promise<string>;
  /**
   * Verifies a password against a stored hash. With no hash (unknown account) it verifies against
   * a throw-away hash, so the answer takes as long as for a real account.
   */
  verify(storedHash: string | null, password: string): Promise<boolean>;
}

export function createPasswords(cost: PasswordCost = PRODUCTION_PASSWORD_COST): Passwords {
  let dummyHash: Promise<string> | undefined;
  const hashPassword = (password: string) => hash(password, cost);
  return {
    hash: hashPassword,
    async verify(storedHash, password) {
      if (storedHash === null) {
        dummyHash ??= hashPassword('backroom-dummy-password-for-timing');
        try {
          await verify(await dummyHash, password);
        } catch {
          dummyHash = undefined; // a failed hash is not kept: the next unknown email builds it again
        }
        return false;
      }
      return verify(storedHash, password).catch(() => false);
    },
  };
}
