import { createHash, timingSafeEqual } from 'node:crypto';
import type { TestUser, World } from '../world';

/** Why a sign-in was refused; the pages and approveDeviceCode word it for people. */
export type SignInFailure = 'unknown-user' | 'wrong-password';

export type SignInResult = { ok: true; user: TestUser } | { ok: false; reason: SignInFailure };

/** The world's users as an identity directory: sign-in checks and token claims. */
export interface Directory {
  tenantId: string;
  signIn(username: string, password: string): SignInResult;
  byObjectId(objectId: string): TestUser | undefined;
}

export function createDirectory(world: World): Directory {
  return {
    tenantId: world.tenantId,
    signIn(username, password) {
      const user = world.users.find((u) => u.username.toLowerCase() === username.trim().toLowerCase());
      if (!user) return { ok: false, reason: 'unknown-user' };
      return samePassword(password, user.password) ? { ok: true, user } : { ok: false, reason: 'wrong-password' };
    },
    byObjectId(objectId) {
      return world.users.find((u) => u.objectId === objectId);
    },
  };
}

/** The claims Entra puts in id and access tokens about the user. */
export function userClaims(user: TestUser, tenantId: string): Record<string, string> {
  return { sub: user.objectId, oid: user.objectId, tid: tenantId, name: user.displayName, preferred_username: user.username, email: user.username };
}

function samePassword(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison takes the same time whatever was typed.
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
