import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { registerServices } from '../../shared/api/register';
import { CONTENT_SECURITY_POLICY } from '../../shared/security/content-policy';
import type { AppServices } from '../services/app-services';
import { createSessionToken, presentedTokens, SESSION_COOKIE, tokensMatch } from './session-token';
import { serveStatic } from './static-files';
import { WebSocketTransport } from './ws-transport';

export const API_PATH = '/api';
/** Frames larger than this are refused by the socket itself (oversized payloads never reach a handler). */
const MAX_FRAME_BYTES = 1024 * 1024;

export interface HeadlessHostOptions {
  app: AppServices;
  rendererDir: string;
  port: number;
  token?: string;
}

export interface HeadlessHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Serves the built renderer and the API (over an authenticated WebSocket) on 127.0.0.1 only.
 * Nothing is served, and no socket opens, without the session token; the Host header must name
 * the loopback address so a DNS-rebinding page can't talk to it either.
 */
export async function startHeadlessHost(options: HeadlessHostOptions): Promise<HeadlessHost> {
  const token = options.token ?? createSessionToken();
  const { app } = options;
  let port = options.port;

  const isAuthorized = (req: IncomingMessage, url: URL) =>
    isLoopbackHost(req.headers.host, port) && presentedTokens(req, url).some((t) => tokensMatch(token, t));

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch((error: unknown) => {
      app.logger.error('HTTP request failed', error);
      if (!res.headersSent) res.writeHead(500).end('Internal error');
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (!isAuthorized(req, url)) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Seedship needs the session token: open the address the host printed at start.\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.searchParams.has('token')) {
      // Trade the token in the address for a cookie, so it leaves the address bar and history.
      url.searchParams.delete('token');
      res.writeHead(302, {
        'Set-Cookie': `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: `${url.pathname}${url.search}`,
      });
      res.end();
      return;
    }
    await serveStatic(options.rendererDir, url.pathname, res);
  }

  // Loaded here, not at the top: the CLI's other commands never pay for it.
  const { WebSocketServer } = await import('ws');
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const transport = new WebSocketTransport(sockets);
  const stopEvents = registerServices(transport, app.services, app.events, {
    onUnexpectedError: (channel, error) => app.logger.error(`API ${channel} failed`, error),
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const originOk = req.headers.origin === undefined || isLoopbackOrigin(req.headers.origin, port);
    if (url.pathname !== API_PATH || !originOk || !isAuthorized(req, url)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => transport.attach(ws));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      stopEvents();
      for (const client of sockets.clients) client.close(1001, 'Seedship is stopping');
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function isLoopbackHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function isLoopbackOrigin(origin: string, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}
