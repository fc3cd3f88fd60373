import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'seedship_session';

/** 256 random bits, URL-safe: unguessable for the life of one host process. */
export function createSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison so the token can't be guessed a character at a time. */
export function tokensMatch(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request presents: `?token=`, `Authorization: Bearer`, or the session cookie. */
export function presentedTokens(req: IncomingMessage, url: URL): string[] {
  const tokens: string[] = [];
  const query = url.searchParams.get('token');
  if (query) tokens.push(query);
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) tokens.push(auth.slice('Bearer '.length).trim());
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE && rest.length > 0) tokens.push(rest.join('='));
  }
  return tokens;
}
