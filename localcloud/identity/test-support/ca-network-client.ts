import { Agent, request } from 'node:https';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/**
 * msal-node's HTTP client for tests: node:https trusting exactly the local cloud's CA
 * (certificate checks stay on; msal-node has no CA option of its own).
 */
export class CaNetworkClient implements INetworkModule {
  private readonly agent: Agent;

  constructor(caPem: string) {
    this.agent = new Agent({ ca: caPem, keepAlive: false });
  }

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private send<T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return new Promise((resolve, reject) => {
      const body = options?.body;
      const headers: Record<string, string> = { ...(options?.headers ?? {}) };
      if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
      const req = request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const responseHeaders: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') responseHeaders[k] = v;
          let parsed: unknown;
          try {
            parsed = text === '' ? {} : JSON.parse(text);
          } catch {
            parsed = { error: 'invalid_response', error_description: text.slice(0, 200) };
          }
          resolve({ headers: responseHeaders, body: parsed as T, status: res.statusCode ?? 0 });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
}
