/**
 * Masks secrets before text reaches a log: BitLocker recovery passwords (8 groups of 6 digits),
 * bearer tokens and JWTs, session tokens in URLs, and `passphrase`/`password`/`secret` values.
 */
const PATTERNS: readonly [RegExp, string][] = [
  [/\b\d{6}(?:-\d{6}){7}\b/g, '[recovery password]'],
  [/\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[token]'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[jwt]'],
  [/([?&](?:token|code|access_token|refresh_token|id_token)=)[^&\s"']+/gi, '$1[redacted]'],
  [/("?(?:passphrase|password|secret|recoveryPassword|bitLockerKey|client_secret)"?\s*[:=]\s*)("[^"]*"|[^\s,}]+)/gi, '$1[redacted]'],
];

export function redactSecrets(text: string): string {
  return PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}
