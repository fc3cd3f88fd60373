import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';

export interface PageResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  location: string | undefined;
}

export interface ParsedForm {
  action: string;
  fields: Record<string, string>;
}

/**
 * Just enough of a browser to drive the sign-in pages with plain HTTP: a cookie jar, forms, and
 * TLS that trusts exactly the local cloud's CA.
 */
export class CookieBrowser {
  private readonly jar = new Map<string, string>();
  private readonly agent: Agent;

  constructor(caPem: string) {
    this.agent = new Agent({ ca: caPem, keepAlive: false });
  }

  get(url: string): Promise<PageResponse> {
    return this.send('GET', url);
  }

  post(url: string, fields: Record<string, string>, accept = 'text/html'): Promise<PageResponse> {
    return this.send('POST', url, new URLSearchParams(fields).toString(), accept);
  }

  /** GETs `url` and follows redirects while they stay on `url`'s origin; returns the last response. */
  async open(url: string): Promise<PageResponse> {
    let response = await this.get(url);
    let current = url;
    while (response.location && response.status >= 300 && response.status < 400) {
      const next = new URL(response.location, current);
      if (next.origin !== new URL(current).origin) return response;
      current = next.href;
      response = await this.get(current);
    }
    return response;
  }

  /** Submits a page's form (the only one, or the one posting to `actionPart`) with extra fields. */
  submit(page: PageResponse, pageUrl: string, fields: Record<string, string>, actionPart?: string): Promise<PageResponse> {
    const form = parseForm(page.body, actionPart);
    return this.post(new URL(form.action, pageUrl).href, { ...form.fields, ...fields });
  }

  private send(method: string, url: string, body?: string, accept = 'text/html'): Promise<PageResponse> {
    const target = new URL(url);
    const headers: Record<string, string> = { Accept: accept };
    const cookies = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookies && target.protocol === 'https:') headers.Cookie = cookies;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      const onResponse = (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          this.remember(res.headers['set-cookie'] ?? []);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), location: res.headers.location });
        });
        res.on('error', reject);
      };
      const req =
        target.protocol === 'https:'
          ? httpsRequest(target, { method, headers, agent: this.agent }, onResponse)
          : httpRequest(target, { method, headers }, onResponse);
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  private remember(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0\s*$/i.test(a));
      if (expired) this.jar.delete(name);
      else this.jar.set(name, pair.slice(at + 1).trim());
    }
  }
}

/** The action and hidden inputs of a form in `html`. */
export function parseForm(html: string, actionPart?: string): ParsedForm {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)];
  const match = forms.find((f) => actionPart === undefined || attribute(f[1] ?? '', 'action')?.includes(actionPart));
  if (!match) throw new Error(`No form${actionPart ? ` posting to ${actionPart}` : ''} in the page:\n${html.slice(0, 500)}`);
  const fields: Record<string, string> = {};
  for (const input of (match[2] ?? '').matchAll(/<input\b([^>]*)>/gi)) {
    const attrs = input[1] ?? '';
    const name = attribute(attrs, 'name');
    if (name && attribute(attrs, 'type') === 'hidden') fields[name] = attribute(attrs, 'value') ?? '';
  }
  return { action: attribute(match[1] ?? '', 'action') ?? '', fields };
}

function attribute(attrs: string, name: string): string | undefined {
  const found = new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(attrs);
  return found ? decodeEntities(found[1] ?? '') : undefined;
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return named[entity.toLowerCase()] ?? whole;
  });
}
