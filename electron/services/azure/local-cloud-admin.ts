import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { SeedshipError } from '../../../shared/api/errors';
import type { CloudProfile } from '../../../shared/azure/cloud-profile';

/**
 * Calls the local cloud's rehearsal admin API (clock, device-code approval, job states). It exists only
 * in the local cloud; its key is a file only this user can read.
 */
export function localCloudAdmin<T>(profile: CloudProfile, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  if (!profile.adminEndpoint || !profile.adminKeyPath || !profile.caCertificatePath) {
    return Promise.reject(new SeedshipError('VALIDATION', 'Only the local cloud has a rehearsal admin API.'));
  }
  const key = readFileSync(profile.adminKeyPath, 'utf8').trim();
  const ca = readFileSync(profile.caCertificatePath, 'utf8');
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${profile.adminEndpoint}${path}`,
      { method, ca, headers: { 'x-localcloud-admin-key': key, ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {}) } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          const parsed = text ? (JSON.parse(text) as unknown) : {};
          if ((res.statusCode ?? 500) >= 400) {
            const message = (parsed as { error?: { message?: string } }).error?.message ?? text;
            reject(new SeedshipError('VALIDATION', `The local cloud refused: ${message}`));
          } else resolve(parsed as T);
        });
      },
    );
    req.on('error', (error) => reject(new SeedshipError('UNAVAILABLE', `The local cloud isn’t answering: ${error.message}`)));
    if (payload) req.write(payload);
    req.end();
  });
}
