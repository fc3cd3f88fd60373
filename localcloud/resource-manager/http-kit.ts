import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error answered in ARM's shape `{"error":{"code","message"}}` with its HTTP status. */
export class ArmError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export interface ArmRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  params: string[];
  headers: IncomingMessage['headers'];
  body: unknown;
  /** Claims of the verified bearer token (empty for admin calls). */
  claims: Record<string, unknown>;
}

export interface ArmResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: ArmRequest) => ArmResponse | Promise<ArmResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

/** Path routing for ARM: segments compare case-insensitively, as ARM's do (SDKs send "resourcegroups"). */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): void {
    const source = pattern.replace(/\{[^}]+\}/g, '([^/]+)');
    this.routes.push({ method, pattern: new RegExp(`^${source}$`, 'i'), handler });
  }

  match(method: string, path: string): { handler: Handler; params: string[] } | 'method-not-allowed' | null {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method === method) return { handler: route.handler, params: m.slice(1).map(decodeURIComponent) };
    }
    return pathMatched ? 'method-not-allowed' : null;
  }
}

export function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new ArmError(413, 'RequestEntityTooLarge', 'The request body is too large.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, response: ArmResponse): void {
  const body = response.body === undefined ? '' : JSON.stringify(response.body);
  res.writeHead(response.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'x-ms-request-id': randomUUID(),
    ...(response.headers ?? {}),
  });
  res.end(body);
}

/** Reads a required object body; a missing or non-object body is ARM's InvalidRequestContent. */
export function objectBody(req: ArmRequest): Record<string, unknown> {
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
    throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: expected a JSON object.');
  }
  return req.body as Record<string, unknown>;
}

export const ok = (body: unknown, status = 200): ArmResponse => ({ status, body });
