import { request, type Agent } from 'node:https';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/**
 * msal-node's HTTP client, over our trusted agent (msal-node 7 has no CA option of its own).
 * Only https URLs are sent: the identity authority must be TLS.
 */
export class TrustedNetworkClient implements INetworkModule {
  constructor(private readonly agent: Agent) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private send<T>(method: string, url: string, options?: NetworkRequestOptions, timeout = 30_000): Promise<NetworkResponse<T>> {
    if (!url.startsWith('https://')) return Promise.reject(new Error(`Refusing to send a sign-in request over plain HTTP: ${new URL(url).origin}`));
    return new Promise((resolve, reject) => {
      const body = options?.body;
      const headers: Record<string, string> = { ...(options?.headers ?? {}) };
      if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
      const req = request(url, { method, headers, agent: this.agent, timeout }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text === '' ? {} : JSON.parse(text);
          } catch {
            parsed = { error: 'invalid_response', error_description: text.slice(0, 200) };
          }
          const responseHeaders: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') responseHeaders[k] = v;
          resolve({ headers: responseHeaders, body: parsed as T, status: res.statusCode ?? 0 });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`The sign-in service did not answer within ${timeout / 1000} s.`)));
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
}
