import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { TestUser, World } from '../world';
import { deviceCodePage, formPostPage, loginPage, messagePage } from './pages';
import { RefreshTokenStore } from './refresh-tokens';
import { parseScopes, RESOURCES, type ParsedScopes } from './scopes';
import { loadSigningKey } from './signing-key';

export interface IdentityServer {
  url: string;
  /** The issuer, `https://127.0.0.1:<port>/<tenantId>/v2.0`; msal-node's authority. */
  authority: string;
  port: number;
  /** Verifies signature, issuer, lifetime (real time) and audience; throws an Error with an ARM `code`. */
  verifyAccessToken(token: string, audiences: string[]): Promise<Record<string, unknown>>;
  /** Completes a pending device-code sign-in without a browser (scripts, tests). */
  approveDeviceCode(userCode: string, username: string, password: string): Promise<void>;
  close(): Promise<void>;
}

export interface IdentityOptions {
  port: number;
  tls: { cert: string; key: string };
  world: World;
  dataDir: string;
  accessTokenTtlSeconds?: number;
}

interface AuthorizeTransaction {
  kind: 'authorize';
  clientId: string;
  redirectUri: string;
  state: string | null;
  nonce: string | null;
  codeChallenge: string;
  scopes: string;
  responseMode: 'query' | 'form_post';
  expiresAt: number;
}

interface DeviceTransaction {
  kind: 'device';
  deviceCode: string;
  expiresAt: number;
}

interface DeviceCodeEntry {
  userCode: string;
  clientId: string;
  scopes: string;
  expiresAt: number;
  user: TestUser | null;
}

interface AuthCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string;
  nonce: string | null;
  user: TestUser;
  expiresAt: number;
}

class TokenError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

const DEVICE_CODE_TTL_S = 900;
const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * An OpenID Connect provider over HTTPS that behaves like Microsoft Entra ID's v2 endpoints for a
 * public client: authorization code + PKCE with loopback redirects, device code, refresh tokens, and
 * resource-scoped JWT access tokens (`https://management.azure.com/.default` → aud ARM).
 */
export async function startIdentityServer(options: IdentityOptions): Promise<IdentityServer> {
  const { world } = options;
  const tenant = world.tenantId;
  const dir = join(options.dataDir, 'identity');
  const key = await loadSigningKey(dir);
  const refreshTokens = new RefreshTokenStore(dir);
  const accessTtl = options.accessTokenTtlSeconds ?? 3600;
  const transactions = new Map<string, AuthorizeTransaction | DeviceTransaction>();
  const deviceCodes = new Map<string, DeviceCodeEntry>();
  const authCodes = new Map<string, AuthCode>();
  let url = '';
  let issuer = '';

  const paths = {
    discovery: `/${tenant}/v2.0/.well-known/openid-configuration`,
    keys: `/${tenant}/discovery/v2.0/keys`,
    authorize: `/${tenant}/oauth2/v2.0/authorize`,
    token: `/${tenant}/oauth2/v2.0/token`,
    deviceCode: `/${tenant}/oauth2/v2.0/devicecode`,
    logout: `/${tenant}/oauth2/v2.0/logout`,
    login: `/${tenant}/login`,
    deviceLogin: `/${tenant}/devicelogin`,
  };

  const clientName = (clientId: string) => world.publicClients.find((c) => c.clientId === clientId)?.name;
  const findUser = (username: string, password: string): TestUser | null => {
    const user = world.users.find((u) => u.username.toLowerCase() === username.trim().toLowerCase());
    if (!user) return null;
    const a = Buffer.from(user.password);
    const b = Buffer.from(password);
    return a.length === b.length && timingSafeEqual(a, b) ? user : null;
  };

  async function issueTokens(user: TestUser, clientId: string, scopes: ParsedScopes, nonce: string | null) {
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await new SignJWT({
      tid: tenant,
      oid: user.objectId,
      preferred_username: user.username,
      upn: user.username,
      name: user.displayName,
      scp: RESOURCES[scopes.audience],
      azp: clientId,
      ver: '2.0',
    })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(scopes.audience)
      .setSubject(user.objectId)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + accessTtl)
      .setJti(randomUUID())
      .sign(key.privateKey);
    const idToken = await new SignJWT({ tid: tenant, oid: user.objectId, preferred_username: user.username, name: user.displayName, ver: '2.0', ...(nonce ? { nonce } : {}) })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(clientId)
      .setSubject(user.objectId)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + 3600)
      .sign(key.privateKey);
    return {
      token_type: 'Bearer',
      scope: scopes.granted.join(' '),
      expires_in: accessTtl,
      ext_expires_in: accessTtl,
      access_token: accessToken,
      id_token: idToken,
      ...(scopes.offlineAccess ? { refresh_token: refreshTokens.issue({ username: user.username, clientId }) } : {}),
    };
  }

  async function tokenGrant(form: URLSearchParams): Promise<Record<string, unknown>> {
    const clientId = form.get('client_id') ?? '';
    if (!clientName(clientId)) throw new TokenError('unauthorized_client', `AADSTS700016: Application ${clientId} was not found in the tenant.`);
    const grant = form.get('grant_type');
    const scopes = parseScopes(form.get('scope') ?? '');
    if ('error' in scopes) throw new TokenError('invalid_scope', scopes.error);
    if (grant === 'authorization_code') {
      const entry = authCodes.get(form.get('code') ?? '');
      authCodes.delete(form.get('code') ?? '');
      if (!entry || entry.expiresAt < Date.now() || entry.clientId !== clientId) throw new TokenError('invalid_grant', 'The authorization code is invalid or has expired.');
      if (entry.redirectUri !== form.get('redirect_uri')) throw new TokenError('invalid_grant', 'The redirect URI does not match the one the code was issued for.');
      const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
      if (challenge !== entry.codeChallenge) throw new TokenError('invalid_grant', 'The PKCE code verifier does not match the code challenge.');
      return issueTokens(entry.user, clientId, scopes, entry.nonce);
    }
    if (grant === 'device_code' || grant === 'urn:ietf:params:oauth:grant-type:device_code') {
      const code = form.get('device_code') ?? '';
      const entry = deviceCodes.get(code);
      if (!entry || entry.clientId !== clientId) throw new TokenError('invalid_grant', 'Unknown device code.');
      if (entry.expiresAt < Date.now()) {
        deviceCodes.delete(code);
        throw new TokenError('expired_token', 'The device code expired.');
      }
      if (!entry.user) throw new TokenError('authorization_pending', 'The user has not finished signing in yet.');
      deviceCodes.delete(code);
      return issueTokens(entry.user, clientId, scopes, null);
    }
    if (grant === 'refresh_token') {
      const redeemed = refreshTokens.redeem(form.get('refresh_token') ?? '');
      const user = redeemed && world.users.find((u) => u.username === redeemed.username);
      if (!redeemed || !user || redeemed.clientId !== clientId) throw new TokenError('invalid_grant', 'AADSTS700082: The refresh token is invalid or has expired. Sign in again.');
      return issueTokens(user, clientId, { ...scopes, offlineAccess: true }, null);
    }
    throw new TokenError('unsupported_grant_type', `The grant type "${grant ?? ''}" is not supported.`);
  }

  function startDeviceCode(form: URLSearchParams): Record<string, unknown> {
    const clientId = form.get('client_id') ?? '';
    if (!clientName(clientId)) throw new TokenError('unauthorized_client', `AADSTS700016: Application ${clientId} was not found in the tenant.`);
    const scopes = form.get('scope') ?? '';
    const parsed = parseScopes(scopes);
    if ('error' in parsed) throw new TokenError('invalid_scope', parsed.error);
    const deviceCode = randomBytes(32).toString('base64url');
    const userCode = Array.from(randomBytes(9), (b) => USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length]).join('');
    deviceCodes.set(deviceCode, { userCode, clientId, scopes, expiresAt: Date.now() + DEVICE_CODE_TTL_S * 1000, user: null });
    const verificationUri = `${url}${paths.deviceLogin}`;
    return {
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: verificationUri,
      expires_in: DEVICE_CODE_TTL_S,
      interval: 1,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
    };
  }

  const pendingByUserCode = (userCode: string) => {
    const wanted = userCode.trim().toUpperCase().replace(/[\s-]/g, '');
    for (const [deviceCode, entry] of deviceCodes) {
      if (entry.userCode === wanted && !entry.user && entry.expiresAt > Date.now()) return deviceCode;
    }
    return null;
  };

  const newTransaction = (t: AuthorizeTransaction | DeviceTransaction) => {
    const id = randomBytes(24).toString('base64url');
    transactions.set(id, t);
    return id;
  };

  function authorize(query: URLSearchParams, res: ServerResponse): void {
    const clientId = query.get('client_id') ?? '';
    const name = clientName(clientId);
    const redirectUri = query.get('redirect_uri') ?? '';
    if (!name) return html(res, 400, messagePage('Sign-in failed', `AADSTS700016: Application ${clientId} was not found in the tenant.`));
    if (!isLoopbackRedirect(redirectUri)) {
      return html(res, 400, messagePage('Sign-in failed', 'AADSTS50011: The redirect URI must be a loopback address (http://localhost or http://127.0.0.1) for this public client.'));
    }
    const responseMode = query.get('response_mode') === 'form_post' ? 'form_post' : 'query';
    const back = (error: string, description: string) => respond(res, responseMode, redirectUri, { error, error_description: description, state: query.get('state') });
    if (query.get('response_type') !== 'code') return back('unsupported_response_type', 'Only response_type=code is supported.');
    const challenge = query.get('code_challenge');
    if (!challenge || query.get('code_challenge_method') !== 'S256') return back('invalid_request', 'Public clients must use PKCE with S256.');
    const scopes = query.get('scope') ?? '';
    const parsed = parseScopes(scopes);
    if ('error' in parsed) return back('invalid_scope', parsed.error);
    const id = newTransaction({ kind: 'authorize', clientId, redirectUri, state: query.get('state'), nonce: query.get('nonce'), codeChallenge: challenge, scopes, responseMode, expiresAt: Date.now() + 600_000 });
    html(res, 200, loginPage(paths.login, id, { clientName: name, username: query.get('login_hint') ?? '' }));
  }

  async function login(form: URLSearchParams, res: ServerResponse): Promise<void> {
    const id = form.get('transaction') ?? '';
    const transaction = transactions.get(id);
    if (!transaction || transaction.expiresAt < Date.now()) return html(res, 400, messagePage('Sign-in expired', 'This sign-in page has expired. Start again from the app.'));
    const client = transaction.kind === 'authorize' ? clientName(transaction.clientId) ?? 'the app' : clientName(deviceCodes.get(transaction.deviceCode)?.clientId ?? '') ?? 'the app';
    const user = findUser(form.get('email') ?? '', form.get('password') ?? '');
    if (!user) return html(res, 200, loginPage(paths.login, id, { clientName: client, username: form.get('email') ?? '', error: 'Your account or password is incorrect.' }));
    transactions.delete(id);
    if (transaction.kind === 'device') {
      const entry = deviceCodes.get(transaction.deviceCode);
      if (!entry || entry.expiresAt < Date.now()) return html(res, 400, messagePage('Code expired', 'That code has expired. Start signing in again from the app.'));
      entry.user = user;
      return html(res, 200, messagePage('You’re signed in', `You have signed in to ${client} as ${user.username}. You can close this window.`));
    }
    const code = randomBytes(32).toString('base64url');
    authCodes.set(code, { clientId: transaction.clientId, redirectUri: transaction.redirectUri, codeChallenge: transaction.codeChallenge, scopes: transaction.scopes, nonce: transaction.nonce, user, expiresAt: Date.now() + 600_000 });
    respond(res, transaction.responseMode, transaction.redirectUri, { code, state: transaction.state });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestUrl = new URL(req.url ?? '/', url);
    const path = requestUrl.pathname;
    if (req.method === 'GET' && path === paths.discovery) {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${url}${paths.authorize}`,
        token_endpoint: `${url}${paths.token}`,
        device_authorization_endpoint: `${url}${paths.deviceCode}`,
        end_session_endpoint: `${url}${paths.logout}`,
        jwks_uri: `${url}${paths.keys}`,
        response_types_supported: ['code'],
        response_modes_supported: ['query', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'name', 'preferred_username', 'oid', 'tid', 'nonce'],
        tenant_region_scope: 'NA',
      });
    }
    if (req.method === 'GET' && path === paths.keys) return json(res, 200, { keys: [key.publicJwk] });
    if (req.method === 'GET' && path === paths.authorize) return authorize(requestUrl.searchParams, res);
    if (req.method === 'GET' && path === paths.deviceLogin) return html(res, 200, deviceCodePage(paths.deviceLogin));
    if (req.method === 'GET' && path === paths.logout) return html(res, 200, messagePage('Signed out', 'You have signed out of the local cloud.'));
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      if (path === paths.token || path === paths.deviceCode) {
        try {
          return json(res, 200, path === paths.token ? await tokenGrant(form) : startDeviceCode(form));
        } catch (error) {
          if (!(error instanceof TokenError)) throw error;
          return json(res, 400, { error: error.code, error_description: error.message, error_codes: [], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() });
        }
      }
      if (path === paths.login) return login(form, res);
      if (path === paths.deviceLogin) {
        const deviceCode = pendingByUserCode(form.get('code') ?? '');
        if (!deviceCode) return html(res, 200, deviceCodePage(paths.deviceLogin, 'That code is not valid or has expired. Check it and try again.'));
        const entry = deviceCodes.get(deviceCode) as DeviceCodeEntry;
        const id = newTransaction({ kind: 'device', deviceCode, expiresAt: entry.expiresAt });
        return html(res, 200, loginPage(paths.login, id, { clientName: clientName(entry.clientId) ?? 'the app' }));
      }
    }
    json(res, 404, { error: 'not_found', error_description: `No endpoint at ${path}.` });
  }

  const server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    route(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, { error: 'server_error', error_description: 'The identity provider hit an internal error.' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `https://127.0.0.1:${port}`;
  issuer = `${url}/${tenant}/v2.0`;

  return {
    url,
    authority: issuer,
    port,
    async verifyAccessToken(token, audiences) {
      try {
        const { payload } = await jwtVerify(token, key.publicKey, { issuer, algorithms: ['RS256'] });
        const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
        if (!aud.some((a) => a !== undefined && audiences.includes(a))) {
          throw Object.assign(new Error(`The access token has the wrong audience: expected ${audiences.join(' or ')}.`), { code: 'InvalidAudience' });
        }
        return payload as Record<string, unknown>;
      } catch (error) {
        if ((error as { code?: string }).code === 'InvalidAudience') throw error;
        if (error instanceof joseErrors.JWTExpired) throw Object.assign(new Error('The access token has expired.'), { code: 'ExpiredAuthenticationToken' });
        throw Object.assign(new Error('The access token is invalid.'), { code: 'InvalidAuthenticationToken' });
      }
    },
    async approveDeviceCode(userCode, username, password) {
      const deviceCode = pendingByUserCode(userCode);
      if (!deviceCode) throw new Error(`No pending sign-in has the code ${userCode}.`);
      const user = findUser(username, password);
      if (!user) throw new Error('The account or password is incorrect.');
      (deviceCodes.get(deviceCode) as DeviceCodeEntry).user = user;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          refreshTokens.close();
          resolve();
        });
      }),
  };
}

/** Entra accepts any port on http://localhost and http://127.0.0.1 for public clients' redirects. */
function isLoopbackRedirect(raw: string): boolean {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1');
  } catch {
    return false;
  }
}

function withParams(base: string, params: Record<string, string | null>): string {
  const u = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== null) u.searchParams.set(k, v);
  return u.toString();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
      if (body.length > 64 * 1024) req.destroy(new Error('Request body too large.'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'", 'X-Frame-Options': 'DENY' }).end(body);
}

/** Sends the authorization response to the app: a redirect with query parameters, or a form post. */
function respond(res: ServerResponse, mode: 'query' | 'form_post', redirectUri: string, params: Record<string, string | null>): void {
  if (mode === 'query') {
    res.writeHead(302, { Location: withParams(redirectUri, params), 'Cache-Control': 'no-store' }).end();
    return;
  }
  const fields = Object.fromEntries(Object.entries(params).filter((e): e is [string, string] => e[1] !== null));
  const nonce = randomBytes(16).toString('base64');
  res
    .writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      // The form posts to the app's loopback address, so form-action must allow it.
      'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; form-action ${new URL(redirectUri).origin}`,
    })
    .end(formPostPage(redirectUri, fields, nonce));
}
