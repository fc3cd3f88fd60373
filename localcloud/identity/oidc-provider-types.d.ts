// oidc-provider 9 ships no TypeScript types: these declare only the parts the local cloud uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type Json = Record<string, unknown>;

  /** What an adapter stores for one model instance (token, session, grant, interaction…). */
  export interface AdapterPayload extends Json {
    grantId?: string;
    userCode?: string;
    uid?: string;
    consumed?: number;
  }

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface ClientMetadata {
    client_id: string;
    client_name?: string;
    application_type?: 'web' | 'native';
    token_endpoint_auth_method?: string;
    grant_types?: string[];
    response_types?: string[];
    redirect_uris?: string[];
  }

  export interface Client {
    clientId: string;
    clientName?: string;
    grantTypeAllowed(type: string): boolean;
  }

  export interface OIDCContext {
    route: string;
    params?: Json;
    /** The parsed form body of a POST (token, device authorization). */
    body?: Json;
    client?: Client;
  }

  /** The Koa context oidc-provider hands to its hooks. */
  export interface KoaContextWithOIDC {
    path: string;
    method: string;
    status: number;
    body: unknown;
    type: string;
    query: Record<string, string | string[] | undefined>;
    oidc: OIDCContext;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<Json> | Json;
  }

  export interface Token {
    kind: string;
    jti: string;
    accountId?: string;
    clientId: string;
    scope?: string;
  }

  export interface StructuredToken {
    header?: Json;
    payload: Json;
  }

  export interface ResourceServerInfo {
    scope: string;
    audience?: string;
    accessTokenTTL?: number;
    accessTokenFormat?: 'opaque' | 'jwt';
    jwt?: { sign?: { alg: string } };
  }

  export interface JWKSet {
    keys: Json[];
  }

  type TtlFunction = (ctx: KoaContextWithOIDC | undefined, token: unknown, client?: Client) => number;

  export interface Configuration {
    adapter?: (name: string) => Adapter;
    clients?: ClientMetadata[];
    jwks?: JWKSet;
    cookies?: {
      keys?: string[];
      names?: { session?: string; interaction?: string; resume?: string };
      long?: Json;
      short?: Json;
    };
    claims?: Record<string, string[]>;
    scopes?: string[];
    responseTypes?: string[];
    conformIdTokenClaims?: boolean;
    clientBasedCORS?: (ctx: KoaContextWithOIDC, origin: string, client: Client) => boolean;
    findAccount?: (ctx: KoaContextWithOIDC | undefined, sub: string, token?: unknown) => Promise<Account | undefined>;
    expiresWithSession?: (ctx: KoaContextWithOIDC, source: unknown) => Promise<boolean> | boolean;
    rotateRefreshToken?: boolean | ((ctx: KoaContextWithOIDC) => boolean);
    renderError?: (ctx: KoaContextWithOIDC, out: Record<string, string>, error: Error) => Promise<void> | void;
    routes?: Record<string, string>;
    ttl?: Record<string, number | TtlFunction>;
    interactions?: {
      url?: (ctx: KoaContextWithOIDC, interaction: Interaction) => Promise<string> | string;
      policy?: interactionPolicy.DefaultPolicy;
    };
    formats?: {
      customizers?: { jwt?: (ctx: KoaContextWithOIDC | undefined, token: Token, jwt: StructuredToken) => Promise<void> | void };
    };
    features?: {
      devInteractions?: { enabled: boolean };
      deviceFlow?: { enabled: boolean; charset?: string; mask?: string };
      resourceIndicators?: {
        enabled: boolean;
        defaultResource?: (ctx: KoaContextWithOIDC, client: Client, oneOf?: string[]) => Promise<string | string[] | undefined>;
        useGrantedResource?: (ctx: KoaContextWithOIDC, model: unknown) => Promise<boolean> | boolean;
        getResourceServerInfo?: (ctx: KoaContextWithOIDC, resourceIndicator: string, client: Client) => Promise<ResourceServerInfo>;
      };
      userinfo?: { enabled: boolean };
      rpInitiatedLogout?: { enabled: boolean };
      pushedAuthorizationRequests?: { enabled: boolean };
      dPoP?: { enabled: boolean };
      revocation?: { enabled: boolean };
      introspection?: { enabled: boolean };
    };
  }

  export interface Interaction {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Json };
    params: Json;
    session?: { accountId: string; uid: string };
    grantId?: string;
    returnTo: string;
  }

  export interface Grant {
    jti: string;
    accountId?: string;
    clientId?: string;
    addOIDCScope(scope: string): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface GrantConstructor {
    new (properties: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  export interface DeviceCode {
    jti: string;
    clientId: string;
    userCode: string;
    isExpired: boolean;
    params?: Json;
    accountId?: string;
    grantId?: string;
    scope?: string;
    resource?: string | string[];
    authTime?: number;
    amr?: string[];
    error?: string;
    inFlight?: boolean;
    save(): Promise<string>;
  }

  export interface DeviceCodeConstructor {
    findByUserCode(userCode: string, options?: { ignoreExpiration?: boolean }): Promise<DeviceCode | undefined>;
  }

  export interface InteractionResults extends Json {
    login?: { accountId: string; remember?: boolean; amr?: string[] };
    consent?: { grantId: string };
  }

  type Middleware = (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void>;

  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    readonly issuer: string;
    readonly Grant: GrantConstructor;
    readonly DeviceCode: DeviceCodeConstructor;
    readonly Client: { find(id: string): Promise<Client | undefined> };
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    use(middleware: Middleware): this;
    on(event: string, listener: (ctx: KoaContextWithOIDC, error: Error) => void): this;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }

  export namespace errors {
    class OIDCProviderError extends Error {
      error: string;
      error_description?: string;
      statusCode: number;
    }
    class InvalidScope extends OIDCProviderError {
      constructor(description: string, scope?: string);
    }
    class InvalidTarget extends OIDCProviderError {
      constructor(description?: string);
    }
    class SessionNotFound extends OIDCProviderError {}
  }

  export namespace interactionPolicy {
    class Prompt {
      constructor(info: { name: string; requestable?: boolean });
      readonly name: string;
    }
    interface DefaultPolicy extends Array<Prompt> {
      add(prompt: Prompt, index?: number): void;
      get(name: string): Prompt | undefined;
    }
    function base(): DefaultPolicy;
  }
}
