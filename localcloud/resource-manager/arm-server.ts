import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../clock';
import type { World } from '../world';
import { registerAdminRoutes } from './admin-routes';
import type { ArmContext } from './context';
import { registerDirectoryRoutes } from './directory-routes';
import { ArmError, readBody, Router, send, type ArmResponse } from './http-kit';
import { registerImportExportRoutes } from './importexport/jobs-routes';
import { registerResourcesRoutes } from './resources-routes';
import { registerStorageRoutes } from './storage-routes';
import { ArmStore } from './store';

export const ARM_AUDIENCE = 'https://management.azure.com/';
export const GRAPH_AUDIENCE = 'https://graph.microsoft.com/';

export interface ArmServerOptions {
  port: number;
  tls: { cert: string; key: string };
  world: World;
  clock: Clock;
  dataDir: string;
  adminKey: string;
  verifyAccessToken(token: string, audiences: string[]): Promise<Record<string, unknown>>;
  approveDeviceCode(userCode: string, username: string, password: string): Promise<void>;
  azurite: ArmContext['azurite'];
}

export interface ArmServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Azure Resource Manager on 127.0.0.1 over HTTPS: every call needs a bearer token from the local
 * identity provider with the ARM audience (Graph paths: the Graph audience); errors in ARM's shape.
 */
export async function startArmServer(options: ArmServerOptions): Promise<ArmServer> {
  const store = new ArmStore(options.dataDir);
  const ctx: ArmContext = { store, world: options.world, clock: options.clock, azurite: options.azurite };
  const router = new Router();
  registerImportExportRoutes(router, ctx);
  registerResourcesRoutes(router, ctx);
  registerStorageRoutes(router, ctx);
  registerDirectoryRoutes(router, ctx);
  const admin = new Router();
  registerAdminRoutes(admin, ctx, options.approveDeviceCode);
  let base = '';

  const adminKeyMatches = (given: string | string[] | undefined) => {
    if (typeof given !== 'string') return false;
    const a = Buffer.from(options.adminKey);
    const b = Buffer.from(given);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  async function handle(req: IncomingMessage): Promise<ArmResponse> {
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    const isAdmin = url.pathname.startsWith('/admin/');
    let claims: Record<string, unknown> = {};
    if (isAdmin) {
      if (!adminKeyMatches(req.headers['x-localcloud-admin-key'])) throw new ArmError(401, 'AuthenticationFailed', 'The x-localcloud-admin-key header is missing or wrong.');
    } else {
      const auth = req.headers.authorization;
      if (!auth?.startsWith('Bearer ')) throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
      const audience = url.pathname.startsWith('/graph/') ? GRAPH_AUDIENCE : ARM_AUDIENCE;
      try {
        claims = await options.verifyAccessToken(auth.slice('Bearer '.length).trim(), [audience, audience.replace(/\/$/, '')]);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'ExpiredAuthenticationToken') throw new ArmError(401, 'ExpiredAuthenticationToken', 'The access token expiry UTC time is earlier than current UTC time.');
        if (code === 'InvalidAudience') throw new ArmError(401, 'InvalidAuthenticationTokenAudience', `The access token has been obtained for the wrong audience or resource. It should be ${audience}.`);
        throw new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
      }
    }
    const match = (isAdmin ? admin : router).match(method, url.pathname);
    if (match === null) throw new ArmError(404, 'NotFound', `No API at ${method} ${url.pathname}.`);
    if (match === 'method-not-allowed') throw new ArmError(405, 'MethodNotAllowed', `${method} is not supported on ${url.pathname}.`);
    const text = method === 'GET' || method === 'HEAD' || method === 'DELETE' ? '' : await readBody(req);
    let body: unknown;
    try {
      body = text.trim() === '' ? undefined : JSON.parse(text);
    } catch {
      throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: it is not JSON.');
    }
    return match.handler({ method, path: url.pathname, query: url.searchParams, params: match.params, headers: { ...req.headers, 'x-arm-base': base }, body, claims });
  }

  const server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req: IncomingMessage, res: ServerResponse) => {
    handle(req).then(
      (response) => send(res, response),
      (error: unknown) => {
        if (error instanceof ArmError) {
          const headers: Record<string, string> = error.status === 401 ? { 'WWW-Authenticate': `Bearer authorization_uri="${options.world.tenantId}", error="invalid_token", error_description="${error.message.replace(/"/g, "'")}"` } : {};
          send(res, { status: error.status, body: { error: { code: error.code, message: error.message } }, headers });
        } else {
          send(res, { status: 500, body: { error: { code: 'InternalServerError', message: 'The local cloud hit an internal error.' } } });
        }
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = `https://127.0.0.1:${port}`;
  return {
    url: base,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          store.close();
          resolve();
        });
      }),
  };
}
