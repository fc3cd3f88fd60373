import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { CloudProfile } from '../../../shared/azure/cloud-profile';

/**
 * The HTTPS agent every Azure call goes through. For the local cloud it trusts the local cloud's own
 * CA explicitly, in addition to the public roots; certificate checks stay on in every profile.
 */
export function createTrustedAgent(profile: CloudProfile): Agent {
  const ca = profile.caCertificatePath ? [...rootCertificates, readFileSync(profile.caCertificatePath, 'utf8')] : undefined;
  return new Agent({ keepAlive: true, ...(ca ? { ca } : {}) });
}

/** The CA PEM to hand to Azure SDK clients (`tlsOptions.ca`), or undefined for public Azure. */
export function extraCaPem(profile: CloudProfile): string | undefined {
  return profile.caCertificatePath ? readFileSync(profile.caCertificatePath, 'utf8') : undefined;
}
