import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolMode, PublicClientApplication, type AuthenticationResult, type DeviceCodeRequest } from '@azure/msal-node';
import { ensureCertificates, type LocalCloudTls } from '../../tls/certificates';
import { DEFAULT_WORLD, SEEDSHIP_CLIENT_ID, type World } from '../../world';
import { startIdentityServer, type IdentityServer, type IdentityServerOptions } from '../identity-server';
import { CaNetworkClient } from './ca-network-client';

export const OPERATOR = DEFAULT_WORLD.users[0] as World['users'][number];
export const ARM_SCOPE = 'https://management.azure.com/.default';
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface TestIdentity {
  dataDir: string;
  tls: LocalCloudTls;
  server: IdentityServer;
  /** msal-node exactly as the app configures it for the local cloud (its own token cache). */
  newPca(clientId?: string): PublicClientApplication;
  /** Stops the server and starts a new one on the same port over the same data folder. */
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

type Extra = Partial<Omit<IdentityServerOptions, 'port' | 'tls' | 'dataDir'>>;

/** A real identity server on a free port over a fresh temporary data folder. */
export async function startTestIdentity(extra: Extra = {}): Promise<TestIdentity> {
  const dataDir = mkdtempSync(join(tmpdir(), 'seedship-identity-'));
  const tls = ensureCertificates(dataDir);
  const start = (port: number) =>
    startIdentityServer({ port, tls: { cert: tls.serverCertPem, key: tls.serverKeyPem }, world: DEFAULT_WORLD, dataDir, devicePollIntervalSeconds: 1, ...extra });
  const identity: TestIdentity = {
    dataDir,
    tls,
    server: await start(0),
    newPca: (clientId = SEEDSHIP_CLIENT_ID) => createPca(identity.server, tls.caCertPem, clientId),
    async restart() {
      await identity.server.close();
      identity.server = await start(identity.server.port);
    },
    async cleanup() {
      await identity.server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return identity;
}

export function createPca(server: IdentityServer, caPem: string, clientId = SEEDSHIP_CLIENT_ID): PublicClientApplication {
  return new PublicClientApplication({
    auth: {
      clientId,
      authority: server.authority,
      knownAuthorities: [new URL(server.authority).host],
    },
    // msal-node 7 reads protocolMode from `system` (in `auth` it is silently ignored).
    system: { networkClient: new CaNetworkClient(caPem), protocolMode: ProtocolMode.OIDC },
  });
}

/** The claims of a JWT, without verifying it (tests check them after verifyAccessToken). */
export function decodeJwt(token: string): Record<string, unknown> {
  const [, payload = ''] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export interface DevicePrompt {
  userCode: string;
  verificationUri: string;
  message: string;
}

/**
 * Runs msal-node's device code flow while `complete` plays the person at the browser; if `complete`
 * fails, the polling is cancelled so the test fails fast with that error.
 */
export async function deviceCodeSignIn(
  pca: PublicClientApplication,
  scopes: string[],
  complete: (prompt: DevicePrompt) => Promise<void>,
): Promise<{ result: AuthenticationResult; prompt: DevicePrompt }> {
  let prompt: DevicePrompt | undefined;
  let completion: Promise<void> = Promise.resolve();
  const request: DeviceCodeRequest = {
    scopes,
    deviceCodeCallback: (response) => {
      prompt = response;
      completion = complete(response).catch((error: unknown) => {
        request.cancel = true;
        throw error;
      });
    },
  };
  const outcome = await Promise.allSettled([pca.acquireTokenByDeviceCode(request)]);
  await completion;
  const [settled] = outcome;
  if (settled?.status === 'rejected') throw settled.reason;
  if (!settled?.value || !prompt) throw new Error('The device code flow finished without a result.');
  return { result: settled.value, prompt };
}
