import { mkdirSync, chmodSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { World } from '../world';
import { createDirectory } from './accounts';
import { completeDeviceCode, FAILURE_MESSAGES, findPendingDeviceCode } from './grants';
import { messagePage } from './html-pages';
import { readBody, replayRequest, RequestBodyError, sendHtml, sendJson } from './http-helpers';
import { loadOrCreateKeys } from './key-store';
import { handleDeviceLogin, handleInteraction, type LoginRoutesContext } from './login-routes';
import { createProvider, DEVICE_CODE_GRANT, ROUTES } from './provider-config';
import { openProviderStore } from './sqlite-adapter';
import { createAccessTokenVerifier } from './token-verifier';

export interface IdentityServer {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** `https://127.0.0.1:<port>/<tenantId>/v2.0`: the issuer, and msal-node's authority. */
  authority: string;
  port: number;
  /**
   * Verifies an access token's signature (this provider's keys), issuer, expiry (real time) and
   * audience (one of `audiences`). Returns the claims or throws an Error whose `code` is
   * 'ExpiredAuthenticationToken' | 'InvalidAuthenticationToken' | 'InvalidAudience'.
   */
  verifyAccessToken(token: string, audiences: string[]): Promise<Record<string, unknown>>;
  /**
   * Completes a pending device-code sign-in for a world user without a browser (for scripts);
   * throws an Error with a clear message (and a `code`) on a wrong code, user or password.
   */
  approveDeviceCode(userCode: string, username: string, password: string): Promise<void>;
  close(): Promise<void>;
}

export interface IdentityServerOptions {
  /** 0 picks a free port. */
  port: number;
  tls: { cert: string; key: string };
  world: World;
  /** State lives in `<dataDir>/identity/`: signing keys, cookie keys, grants and refresh tokens. */
  dataDir: string;
  /** Access token lifetime; Entra's is about an hour. Tests shorten it to watch tokens expire. */
  accessTokenTtlSeconds?: number;
  /** How often device code clients poll (Entra: 5 s). */
  devicePollIntervalSeconds?: number;
  /** Where operational notes go (never tokens, codes or passwords); standard error by default. */
  log?: (line: string) => void;
}

/** An Error with a machine-readable `code`, for approveDeviceCode's callers (the admin API). */
export class DeviceCodeApprovalError extends Error {
  constructor(
    readonly code: 'InvalidUserCode' | 'ExpiredUserCode' | 'UsedUserCode' | 'UnknownUser' | 'WrongPassword',
    message: string,
  ) {
    super(message);
    this.name = 'DeviceCodeApprovalError';
  }
}

/**
 * Starts the local cloud's OpenID Connect provider (oidc-provider) on 127.0.0.1 over HTTPS, acting
 * as Entra ID for the unmodified msal-node: device code, authorization code + PKCE with loopback
 * redirects, refresh tokens that work across resources, and Entra-shaped JWT access tokens.
 */
export async function startIdentityServer(options: IdentityServerOptions): Promise<IdentityServer> {
  const { world } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dir = join(options.dataDir, 'identity');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const keys = await loadOrCreateKeys(dir);
  const store = openProviderStore(join(dir, 'state.db'));
  const directory = createDirectory(world);
  const mountPath = `/${world.tenantId}/v2.0`;

  // Listen first: the issuer, hence the provider, needs the port.
  const server = createServer({ cert: options.tls.cert, key: options.tls.key });
  await listen(server, options.port).catch((error: unknown) => {
    store.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  const issuer = `${url}${mountPath}`;

  const provider = createProvider({
    issuer,
    world,
    directory,
    keys,
    store,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    devicePollIntervalSeconds: options.devicePollIntervalSeconds ?? 5,
    log,
  });
  const callback = provider.callback();
  const routes: LoginRoutesContext = { provider, directory, tenantName: world.tenantDisplayName, mountPath };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = new URL(req.url ?? '/', url);
    if (target.pathname !== mountPath && !target.pathname.startsWith(`${mountPath}/`)) {
      return sendJson(res, 404, { error: 'not_found', error_description: `No tenant endpoint at ${target.pathname}; the issuer is ${issuer}.` });
    }
    const rest = target.pathname.slice(mountPath.length);
    const interaction = /^\/interaction\/([\w-]+)$/.exec(rest);
    if (interaction) return handleInteraction(req, res, interaction[1] as string, routes);
    if (rest === ROUTES.code_verification) return handleDeviceLogin(req, res, target, routes);
    if (rest.startsWith(`${ROUTES.code_verification}/`)) return sendJson(res, 404, { error: 'not_found' });
    const forProvider = req.method === 'POST' && rest === ROUTES.token ? await entraTokenRequest(req) : req;
    // oidc-provider routes without its mount path and finds the mount path in req.baseUrl.
    forProvider.url = `${rest || '/'}${target.search}`;
    Object.assign(forProvider, { baseUrl: mountPath });
    return callback(forProvider, res);
  }

  // Requests still running when close() is called finish before the store closes under them.
  const inFlight = new Set<Promise<void>>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const handled = route(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      if (error instanceof RequestBodyError) return sendJson(res, 400, { error: 'invalid_request', error_description: error.message });
      log(`identity: internal error: ${(error as Error).message}`);
      sendHtml(res, 500, messagePage(world.tenantDisplayName, 'Something went wrong', 'The identity provider hit an internal error.'));
    });
    inFlight.add(handled);
    void handled.finally(() => inFlight.delete(handled));
  });

  return {
    url,
    authority: issuer,
    port,
    verifyAccessToken: createAccessTokenVerifier(issuer, keys.publicKeys),
    async approveDeviceCode(userCode, username, password) {
      const code = await findPendingDeviceCode(provider, userCode);
      if (typeof code === 'string') throw new DeviceCodeApprovalError(APPROVAL_CODES[code], `Code ${userCode}: ${FAILURE_MESSAGES[code]}`);
      const signIn = directory.signIn(username, password);
      if (!signIn.ok) throw new DeviceCodeApprovalError(APPROVAL_CODES[signIn.reason], `${username}: ${FAILURE_MESSAGES[signIn.reason]}`);
      await completeDeviceCode(provider, code, signIn.user);
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.allSettled([...inFlight]);
      await closed;
      store.close();
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** msal-node sends Entra's short `grant_type=device_code`; oidc-provider knows only RFC 8628's URN. */
async function entraTokenRequest(req: IncomingMessage): Promise<IncomingMessage> {
  const body = await readBody(req, TOKEN_REQUEST_LIMIT);
  const form = new URLSearchParams(body.toString('utf8'));
  if (form.get('grant_type') !== 'device_code') return replayRequest(req, body);
  form.set('grant_type', DEVICE_CODE_GRANT);
  return replayRequest(req, Buffer.from(form.toString(), 'utf8'));
}

const TOKEN_REQUEST_LIMIT = 56 * 1024; // oidc-provider's own limit

const APPROVAL_CODES = {
  'unknown-code': 'InvalidUserCode',
  'expired-code': 'ExpiredUserCode',
  'used-code': 'UsedUserCode',
  'unknown-user': 'UnknownUser',
  'wrong-password': 'WrongPassword',
} as const;
