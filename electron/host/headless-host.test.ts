import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAppServices, type AppServices } from '../services/app-services';
import { startHeadlessHost, type HeadlessHost } from './headless-host';

let dir: string;
let app: AppServices;
let host: HeadlessHost;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seedship-host-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Seedship</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
  app = createAppServices({ dataDir: join(dir, 'data'), transport: 'headless', version: 'test', scan: async () => [] });
  host = await startHeadlessHost({ app, rendererDir, port: 0 });
});

afterAll(async () => {
  await host.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const cookie = () => ({ Cookie: `seedship_session=${host.token}` });

describe('headless host', () => {
  it('binds 127.0.0.1 and prints a token address', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[A-Za-z0-9_-]{43}$`));
  });

  it('serves the renderer with its CSP once the token is presented', async () => {
    const res = await get('/', cookie());
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>Seedship</title>');
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
    expect((await get('/assets/app.js', cookie())).status).toBe(200);
    expect((await get('/', { Authorization: `Bearer ${host.token}` })).status).toBe(200);
  });

  it('refuses a right token sent to a wrong Host name (DNS rebinding)', async () => {
    expect((await get('/', { ...cookie(), Host: `attacker.example:${host.port}` })).status).toBe(401);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt']) {
      const res = await get(path, cookie());
      expect(res.body, path).not.toContain('outside the renderer');
    }
  });

  it('answers only GET and HEAD', async () => {
    expect((await get('/', cookie(), 'POST')).status).toBe(405);
  });

  it('closes sockets cleanly when the host stops', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'seedship-host2-'));
    const app2 = createAppServices({ dataDir: dir2, transport: 'headless', version: 'test', scan: async () => [] });
    const host2 = await startHeadlessHost({ app: app2, rendererDir: dir2, port: 0 });
    const ws = new WebSocket(`ws://127.0.0.1:${host2.port}/api`, { headers: { Cookie: `seedship_session=${host2.token}` } });
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await host2.close();
    expect(await closed).toBe(1001);
    await app2.close();
    rmSync(dir2, { recursive: true, force: true });
  });
});
