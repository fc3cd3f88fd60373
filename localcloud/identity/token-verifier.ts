import { createLocalJWKSet, errors, jwtVerify, type JWK } from 'jose';

export type TokenErrorCode = 'ExpiredAuthenticationToken' | 'InvalidAuthenticationToken' | 'InvalidAudience';

/** A rejected access token; `code` is the ARM error code the caller answers with. */
export class TokenVerificationError extends Error {
  constructor(
    readonly code: TokenErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TokenVerificationError';
  }
}

/**
 * Checks access tokens the way ARM checks Entra's: signature by one of the provider's keys, issuer,
 * expiry and not-before in real time (no leeway, so expiry tests are exact), then the audience.
 */
export function createAccessTokenVerifier(issuer: string, publicKeys: JWK[]) {
  const keys = createLocalJWKSet({ keys: publicKeys });
  return async (token: string, audiences: string[]): Promise<Record<string, unknown>> => {
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, { issuer, algorithms: ['RS256'] }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new TokenVerificationError('ExpiredAuthenticationToken', 'The access token has expired.');
      const reason = error instanceof errors.JWTClaimValidationFailed ? `its ${error.claim} claim is not valid` : 'its signature or format is not valid';
      throw new TokenVerificationError('InvalidAuthenticationToken', `The access token is invalid: ${reason}.`);
    }
    const aud = claims.aud;
    const granted = Array.isArray(aud) ? aud : [aud];
    if (!granted.some((a) => typeof a === 'string' && audiences.includes(a))) {
      throw new TokenVerificationError('InvalidAudience', `The access token's audience ${String(aud)} is not ${audiences.join(' or ')}.`);
    }
    return claims;
  };
}
