import { join } from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { AccountInfo, AuthenticationResult, DeviceCodeRequest, PublicClientApplication } from '@azure/msal-node';
import { SeedshipError } from '../../../shared/api/errors';
import { defaultScope, type CloudProfile } from '../../../shared/azure/cloud-profile';
import type { SecretBox } from '../secrets/secret-box';
import type { Logger } from '../system/logger';
import { TrustedNetworkClient } from './msal-network-client';
import { EncryptedTokenCachePlugin } from './token-cache-plugin';
import { createTrustedAgent } from './trusted-agent';

export interface SignedInAccount {
  username: string;
  name: string | null;
  tenantId: string;
}

export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  message: string;
  expiresAt: string;
}

interface Session {
  key: string;
  profile: CloudProfile;
  pca: PublicClientApplication;
  cache: EncryptedTokenCachePlugin;
}

/**
 * Signs the operator in with msal-node (device code in the headless host and CLI, the system browser
 * in Electron), keeps the token cache encrypted at rest, and hands Azure SDK clients a credential.
 */
export class AuthService {
  private session: Session | null = null;
  private pendingDeviceCode: DeviceCodeRequest | null = null;

  constructor(
    private readonly profile: () => Promise<CloudProfile>,
    private readonly dataDir: string,
    private readonly box: SecretBox,
    private readonly logger: Logger,
  ) {}

  /** The signed-in account for the active profile, or null. */
  async account(): Promise<SignedInAccount | null> {
    const { pca } = await this.open();
    const [account] = await pca.getTokenCache().getAllAccounts();
    return account ? summarize(account) : null;
  }

  /** Device code sign-in: `onPrompt` shows the code; resolves when the operator has finished. */
  async signInWithDeviceCode(onPrompt: (prompt: DeviceCodePrompt) => void): Promise<SignedInAccount> {
    const { pca, profile } = await this.open();
    const request: DeviceCodeRequest = {
      scopes: [defaultScope(profile.armAudience)],
      deviceCodeCallback: (response) =>
        onPrompt({
          userCode: response.userCode,
          verificationUri: response.verificationUri,
          message: response.message,
          expiresAt: new Date(Date.now() + response.expiresIn * 1000).toISOString(),
        }),
    };
    this.pendingDeviceCode = request;
    try {
      const result = await pca.acquireTokenByDeviceCode(request);
      return this.accountOf(result);
    } catch (error) {
      if (request.cancel) throw new SeedshipError('CANCELLED', 'Sign-in was cancelled.');
      throw signInError(error);
    } finally {
      this.pendingDeviceCode = null;
    }
  }

  /** Interactive sign-in through the system browser and a loopback redirect (auth code + PKCE). */
  async signInInteractive(openBrowser: (url: string) => Promise<void>): Promise<SignedInAccount> {
    const { pca, profile } = await this.open();
    try {
      const result = await pca.acquireTokenInteractive({
        scopes: [defaultScope(profile.armAudience)],
        openBrowser,
        successTemplate: '<h1>Signed in to Seedship</h1><p>You can close this tab and return to Seedship.</p>',
        errorTemplate: '<h1>Sign-in failed</h1><p>Return to Seedship for details.</p>',
      });
      return this.accountOf(result);
    } catch (error) {
      throw signInError(error);
    }
  }

  /** Stops a device code sign-in that is waiting for the operator. */
  cancelSignIn(): boolean {
    if (!this.pendingDeviceCode) return false;
    this.pendingDeviceCode.cancel = true;
    return true;
  }

  async signOut(): Promise<void> {
    const { pca, cache } = await this.open();
    for (const account of await pca.getTokenCache().getAllAccounts()) await pca.getTokenCache().removeAccount(account);
    cache.clear();
  }

  /** An access token for `audience` without prompting (refresh token as needed). */
  async accessToken(audience: string): Promise<AccessToken> {
    const { pca } = await this.open();
    const [account] = await pca.getTokenCache().getAllAccounts();
    if (!account) throw new SeedshipError('UNAUTHORIZED', 'Sign in to Azure first.');
    try {
      const result = await pca.acquireTokenSilent({ account, scopes: [defaultScope(audience)] });
      return { token: result.accessToken, expiresOnTimestamp: result.expiresOn?.getTime() ?? Date.now() + 5 * 60_000 };
    } catch (error) {
      if ((error as Error).name === 'InteractionRequiredAuthError') {
        throw new SeedshipError('UNAUTHORIZED', 'Your Azure sign-in has expired: sign in again.');
      }
      throw signInError(error);
    }
  }

  /** A TokenCredential for Azure SDK clients of the given audience. */
  credential(audience: string): TokenCredential {
    return { getToken: () => this.accessToken(audience) };
  }

  private async accountOf(result: AuthenticationResult | null): Promise<SignedInAccount> {
    if (!result?.account) throw new SeedshipError('UNAUTHORIZED', 'Sign-in finished without an account.');
    this.logger.info(`Signed in as ${result.account.username}`);
    return summarize(result.account);
  }

  private async open(): Promise<Session> {
    const profile = await this.profile();
    const key = `${profile.name}|${profile.authority}|${profile.clientId}`;
    if (this.session?.key === key) return this.session;
    const agent = createTrustedAgent(profile);
    const cache = new EncryptedTokenCachePlugin(join(this.dataDir, `token-cache-${profile.name}.bin`), this.box);
    const authorityHost = new URL(profile.authority).host;
    // Loaded on first use: msal costs ~0.3 s to import, which a backup or restore never needs.
    const { LogLevel, ProtocolMode, PublicClientApplication } = await import('@azure/msal-node');
    const pca = new PublicClientApplication({
      auth: {
        clientId: profile.clientId,
        authority: profile.authority,
        knownAuthorities: [authorityHost],
      },
      cache: { cachePlugin: cache },
      system: {
        // Entra itself speaks AAD protocol mode; any other authority (the local cloud) is plain OIDC.
        // (msal-node 7 reads protocolMode from `system`; under `auth` it is silently ignored.)
        ...(authorityHost === 'login.microsoftonline.com' ? {} : { protocolMode: ProtocolMode.OIDC }),
        networkClient: new TrustedNetworkClient(agent),
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Warning,
          loggerCallback: (_level, message) => this.logger.debug(`msal: ${message}`),
        },
      },
    });
    this.session = { key, profile, pca, cache };
    return this.session;
  }
}

function summarize(account: AccountInfo): SignedInAccount {
  return { username: account.username, name: account.name ?? null, tenantId: account.tenantId };
}

function signInError(error: unknown): SeedshipError {
  if (error instanceof SeedshipError) return error;
  const e = error as { errorCode?: string; errorMessage?: string; message?: string };
  const code = e.errorCode ?? '';
  if (code === 'expired_token' || code === 'code_expired') return new SeedshipError('UNAUTHORIZED', 'The sign-in code expired before it was used: start again.');
  if (code === 'authorization_declined' || code === 'access_denied') return new SeedshipError('UNAUTHORIZED', 'Sign-in was declined.');
  const detail = (e.errorMessage ?? e.message ?? String(error)).split('\n')[0];
  return new SeedshipError('UNAVAILABLE', `Sign-in failed: ${detail}`);
}
