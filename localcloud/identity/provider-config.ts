import Provider, { errors, interactionPolicy, type Client, type ClientMetadata, type KoaContextWithOIDC, type StructuredToken, type Token } from 'oidc-provider';
import type { World } from '../world';
import { userClaims, type Directory } from './accounts';
import { audienceOf, findApi, grantedScopes, OIDC_SCOPES, RESOURCE_APIS, ScopeError, scopesOf, scpClaim, splitScope } from './entra-scopes';
import { oauthErrorPage } from './html-pages';
import type { IdentityKeys } from './key-store';
import type { ProviderStore } from './sqlite-adapter';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** Endpoint paths under the issuer, named after Entra's where oidc-provider lets us. */
export const ROUTES = {
  authorization: '/authorize',
  token: '/token',
  // msal-node derives the device code endpoint from the token endpoint ("/token" → "/devicecode").
  device_authorization: '/devicecode',
  code_verification: '/devicelogin',
  jwks: '/keys',
} as const;

// Entra lets public clients redirect to loopback on any port; oidc-provider ignores the port of
// loopback redirect URIs for native clients (RFC 8252), so registering these is enough.
const LOOPBACK_REDIRECTS = ['http://localhost', 'http://localhost/', 'http://127.0.0.1', 'http://127.0.0.1/'];

const DAY = 24 * 3600;

export interface ProviderSetup {
  issuer: string;
  world: World;
  directory: Directory;
  keys: IdentityKeys;
  store: ProviderStore;
  accessTokenTtlSeconds: number;
  devicePollIntervalSeconds: number;
  log: (line: string) => void;
}

/** oidc-provider configured to behave like Entra ID's v2 endpoints for the world's public clients. */
export function createProvider(setup: ProviderSetup): Provider {
  const { issuer, world, directory, keys, store } = setup;
  const mountPath = new URL(issuer).pathname;
  const policy = interactionPolicy.base();
  policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }), 0);

  const provider = new Provider(issuer, {
    adapter: (model) => store.adapterFor(model),
    clients: world.publicClients.map(publicClient),
    jwks: { keys: keys.signingKeys },
    cookies: {
      keys: keys.cookieKeys,
      // Cookies are per host, not per port: distinct names keep other loopback apps' cookies apart.
      names: { session: 'localcloud_id_session', interaction: 'localcloud_id_interaction', resume: 'localcloud_id_resume' },
      long: { httpOnly: true, sameSite: 'lax', secure: true },
      short: { httpOnly: true, sameSite: 'lax', secure: true },
    },
    routes: ROUTES,
    scopes: [...OIDC_SCOPES],
    claims: { openid: ['sub', 'tid', 'oid'], profile: ['name', 'preferred_username'], email: ['email'] },
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    clientBasedCORS: () => false,
    async findAccount(_ctx, sub) {
      const user = directory.byObjectId(sub);
      return user && { accountId: sub, claims: () => userClaims(user, directory.tenantId) };
    },
    // Entra's refresh tokens outlive browser sessions and stay valid when a new one is issued.
    expiresWithSession: () => false,
    rotateRefreshToken: false,
    ttl: {
      AccessToken: setup.accessTokenTtlSeconds,
      AuthorizationCode: 600,
      DeviceCode: 900,
      IdToken: 3600,
      RefreshToken: 90 * DAY,
      Grant: 90 * DAY,
      Session: 14 * DAY,
      Interaction: 3600,
      ClientCredentials: 600,
      BackchannelAuthenticationRequest: 600,
      PreAuthorizedCode: 600,
    },
    interactions: { url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}`, policy },
    renderError(ctx, out) {
      ctx.type = 'html';
      const error = out.error ?? 'server_error';
      ctx.body = oauthErrorPage(world.tenantDisplayName, error, clearDescription(ctx, world, error, out.error_description));
    },
    formats: { customizers: { jwt: (_ctx, token, jwt) => entraAccessToken(token, jwt, directory) } },
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (ctx, client, oneOf) => entraResource(ctx, client, oneOf),
        useGrantedResource: () => true,
        async getResourceServerInfo(_ctx, indicator) {
          const api = findApi(indicator);
          if (!api) throw new errors.InvalidTarget(`The resource principal named ${indicator} was not found in the tenant.`);
          return {
            scope: scopesOf(api).join(' '),
            audience: api.audience,
            accessTokenTTL: setup.accessTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
      // Entra has none of these at the v2 endpoints msal-node uses.
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
    },
  });

  provider.use(async (ctx, next) => {
    await next();
    if (isRecord(ctx.body) && typeof ctx.body.error === 'string') {
      ctx.body.error_description = clearDescription(ctx, world, ctx.body.error, text(ctx.body.error_description));
    }
    // RFC 8628 makes `interval` optional, but msal-node polls as fast as it can without it.
    if (ctx.path === ROUTES.device_authorization && ctx.status === 200 && isRecord(ctx.body)) {
      const body = ctx.body;
      body.interval = setup.devicePollIntervalSeconds;
      body.message = `To sign in, use a web browser to open the page ${String(body.verification_uri)} and enter the code ${String(body.user_code)} to authenticate.`;
    }
  });
  provider.on('server_error', (_ctx, error) => setup.log(`identity: internal error: ${error.message}`));
  return provider;
}

function publicClient(client: World['publicClients'][number]): ClientMetadata {
  return {
    client_id: client.clientId,
    client_name: client.name,
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token', DEVICE_CODE_GRANT],
    response_types: ['code'],
    redirect_uris: LOOPBACK_REDIRECTS,
  };
}

/**
 * Resource selection, Entra style. At the authorization and device endpoints the scopes decide
 * which resources the grant covers (all pre-consented APIs, so one refresh token serves them all);
 * at the token endpoint the requested scope picks the single resource of the access token.
 */
async function entraResource(ctx: KoaContextWithOIDC, client: Client, oneOf?: string[]): Promise<string | string[] | undefined> {
  try {
    if (oneOf) {
      const requested = splitScope(text(ctx.oidc.params?.scope) ?? text(ctx.oidc.body?.scope));
      return audienceOf(requested) ?? oneOf[0];
    }
    // The raw request, because oidc-provider drops offline_access without prompt=consent; Entra does not.
    const raw = text(ctx.query.scope) ?? text(ctx.oidc.body?.scope) ?? text(ctx.oidc.params?.scope);
    const scopes = grantedScopes(splitScope(raw)).filter((s) => s !== 'offline_access' || client.grantTypeAllowed('refresh_token'));
    if (ctx.oidc.params) ctx.oidc.params.scope = scopes.join(' ');
    return scopes.some((s) => s.includes('://')) ? RESOURCE_APIS.map((api) => api.audience) : undefined;
  } catch (error) {
    if (error instanceof ScopeError) throw new errors.InvalidScope(error.message, error.scope);
    throw error;
  }
}

/** Shapes oidc-provider's JWT access token like Entra's: `scp`, `tid`, `oid`, `nbf`, typ JWT. */
function entraAccessToken(token: Token, jwt: StructuredToken, directory: Directory): void {
  const { payload } = jwt;
  const user = token.accountId ? directory.byObjectId(token.accountId) : undefined;
  const { scope: _scope, client_id: _clientId, ...rest } = payload;
  jwt.header = { typ: 'JWT' };
  jwt.payload = {
    ...rest,
    nbf: payload.iat,
    tid: directory.tenantId,
    ...(user ? { oid: user.objectId, preferred_username: user.username, upn: user.username, name: user.displayName } : {}),
    scp: scpClaim(String(payload.aud), splitScope(token.scope)),
    azp: token.clientId,
    appid: token.clientId,
    ver: '2.0',
  };
}

/** oidc-provider's terse descriptions, reworded to say what is wrong and what is allowed. */
function clearDescription(ctx: KoaContextWithOIDC, world: World, error: string, description: string | undefined): string {
  const param = (name: string) => text(ctx.oidc?.params?.[name]) ?? text(ctx.oidc?.body?.[name]) ?? text(ctx.query[name]);
  const clientId = param('client_id');
  if (error === 'invalid_client' && clientId !== undefined && !world.publicClients.some((c) => c.clientId === clientId)) {
    return `Application with identifier '${clientId}' was not found in the directory '${world.tenantDisplayName}'.`;
  }
  if (error === 'invalid_redirect_uri') {
    return `The redirect URI '${param('redirect_uri') ?? ''}' is not registered for this application: use http://localhost or http://127.0.0.1 (any port, path /).`;
  }
  return description ?? '';
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
