import { join } from 'node:path';
import type { CloudStatus, DeviceCodePrompt, Settings, SignInMethod } from '../../../shared/api/contract';
import { SeedshipError } from '../../../shared/api/errors';
import { azurePublicProfile, type CloudProfile } from '../../../shared/azure/cloud-profile';
import type { SecretBox } from '../secrets/secret-box';
import type { Logger } from '../system/logger';
import { AuthService, type SignedInAccount } from './auth-service';
import { importExportClient, resourcesClient, storageClient } from './azure-clients';
import { EntraAppClient } from './entra-app-client';
import { ImportJobClient } from './import-job-client';
import { LocalCloud, type LocalCloudLauncher } from './local-cloud';
import { ProviderClient } from './provider-client';
import { StorageAccountClient } from './storage-account-client';

export interface AzureServiceOptions {
  dataDir: string;
  settings: () => Settings;
  box: SecretBox;
  logger: Logger;
  launchLocalCloud: LocalCloudLauncher;
  /** Opens the system browser for interactive sign-in; absent where there is none (headless, CLI). */
  openBrowser?: (url: string) => Promise<void>;
  onDeviceCode: (prompt: DeviceCodePrompt) => void;
}

/** One subscription's typed Azure clients, all signed in as the operator. */
export interface AzureGateway {
  profile: CloudProfile;
  importJobs: ImportJobClient;
  providers: ProviderClient;
  storageAccounts: StorageAccountClient;
  entraApps: EntraAppClient;
}

/**
 * The app's door to Azure: picks the cloud profile from settings (starting the local cloud when it is
 * the `local` profile), signs in, and builds typed clients. Same code for the local cloud and Azure.
 */
export class AzureService {
  readonly localCloud: LocalCloud;
  readonly auth: AuthService;

  constructor(private readonly options: AzureServiceOptions) {
    this.localCloud = new LocalCloud(join(options.dataDir, 'localcloud'), options.launchLocalCloud, options.logger);
    this.auth = new AuthService(() => this.profile(), join(options.dataDir, 'auth'), options.box, options.logger);
  }

  /** The active profile; for `local` this starts the local cloud if it isn't running. */
  async profile(): Promise<CloudProfile> {
    const settings = this.options.settings();
    if (settings.cloudProfile === 'local') return this.localCloud.ensureRunning();
    if (!settings.azureClientId) {
      throw new SeedshipError(
        'VALIDATION',
        'To use real Azure, register Seedship as an application in your Microsoft Entra tenant (public client, redirect http://localhost) and enter its client ID in Settings.',
        'azureClientId',
      );
    }
    return azurePublicProfile(settings.azureClientId, settings.azureTenantId ?? 'organizations');
  }

  signInMethods(): SignInMethod[] {
    return this.options.openBrowser ? ['interactive', 'device-code'] : ['device-code'];
  }

  async status(): Promise<CloudStatus> {
    const settings = this.options.settings();
    const localCloud = settings.cloudProfile === 'local' ? this.localCloud.state : 'not-used';
    const base = { profile: settings.cloudProfile, signInMethods: this.signInMethods() } as const;
    try {
      const profile = await this.profile();
      const account = await this.auth.account();
      return { ...base, localCloud: settings.cloudProfile === 'local' ? this.localCloud.state : 'not-used', authority: profile.authority, armEndpoint: profile.armEndpoint, account, problem: null };
    } catch (error) {
      const problem = error instanceof SeedshipError ? error.message : `Azure can’t be reached: ${(error as Error).message}`;
      return { ...base, localCloud, authority: null, armEndpoint: null, account: null, problem };
    }
  }

  async signIn(method?: SignInMethod): Promise<SignedInAccount> {
    const chosen = method ?? this.signInMethods()[0];
    if (chosen === 'interactive') {
      const open = this.options.openBrowser;
      if (!open) throw new SeedshipError('VALIDATION', 'This window can’t open a browser: sign in with a device code instead.', 'method');
      return this.auth.signInInteractive(open);
    }
    return this.auth.signInWithDeviceCode(this.options.onDeviceCode);
  }

  /** Typed clients for one subscription, as the signed-in operator. */
  async gateway(subscriptionId: string): Promise<AzureGateway> {
    const profile = await this.profile();
    const arm = this.auth.credential(profile.armAudience);
    return {
      profile,
      importJobs: new ImportJobClient(await importExportClient(profile, arm, subscriptionId)),
      providers: new ProviderClient(await resourcesClient(profile, arm, subscriptionId)),
      storageAccounts: new StorageAccountClient(await storageClient(profile, arm, subscriptionId)),
      entraApps: new EntraAppClient(profile, this.auth.credential(profile.graphAudience), arm),
    };
  }

  close(): Promise<void> {
    return this.localCloud.close();
  }
}
