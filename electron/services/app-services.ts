import type { AppInfo, Services } from '../../shared/api/contract';
import { EventHub } from '../../shared/api/event-hub';
import { AzureService } from './azure/azure-service';
import type { LocalCloudLauncher } from './azure/local-cloud';
import { nodeLocalCloudLauncher } from './azure/node-launcher';
import { DrivesService, type DriveScan } from './disks/drives-service';
import { defaultKeyProvider, SecretBox, type SecretKeyProvider } from './secrets/secret-box';
import { DriveWatcher } from './disks/drive-watcher';
import { SettingsService } from './settings/settings-service';
import { SettingsStore } from './settings/settings-store';
import { AuditLog } from './store/audit-log';
import { openDatabase, type Db } from './store/database';
import { createLogger, type Logger } from './system/logger';

export interface AppServicesOptions {
  dataDir: string;
  transport: AppInfo['transport'];
  version: string;
  /** Watch for drives coming and going and push `drives.changed` (the UI transports do). */
  watchDrives?: boolean;
  /** Replaces the real drive scan (tests of the wiring only). */
  scan?: DriveScan;
  logger?: Logger;
  /** The bundled local cloud (dist/localcloud.mjs), started with this Node unless `launchLocalCloud` is given. */
  localCloudEntry?: string;
  launchLocalCloud?: LocalCloudLauncher;
  /** Electron: the OS keychain; elsewhere a key file readable only by the user. */
  keyProvider?: SecretKeyProvider;
  /** Electron: opens the system browser for interactive sign-in. */
  openBrowser?: (url: string) => Promise<void>;
}

/** Everything a transport needs: the service implementations, their events, and a way to stop them. */
export interface AppServices {
  services: Services;
  events: EventHub;
  logger: Logger;
  audit: AuditLog;
  azure: AzureService;
  /** Stops watchers and the local cloud and closes the database; resolves when the cloud has exited. */
  close(): Promise<void>;
}

/** The composition root shared by the Electron main process, the headless host and the CLI. */
export function createAppServices(options: AppServicesOptions): AppServices {
  const db: Db = openDatabase(options.dataDir);
  const logger = options.logger ?? createLogger(options.dataDir, { echo: options.transport !== 'cli' });
  const events = new EventHub();
  const audit = new AuditLog(db, `${options.transport}:${process.env.USER ?? process.env.USERNAME ?? 'unknown'}`);
  const settingsStore = new SettingsStore(db);
  const drives = new DrivesService(settingsStore, options.scan);
  const watcher = new DriveWatcher({
    list: () => drives.list(),
    onChange: (list) => events.emit('drives.changed', list),
    onError: (error) => logger.warn('Drive scan failed', error),
  });
  const settings = new SettingsService(settingsStore, audit, (next) => {
    events.emit('settings.changed', next);
    void watcher.refresh();
  });
  if (options.watchDrives) watcher.start();

  const launch = options.launchLocalCloud ?? (options.localCloudEntry ? nodeLocalCloudLauncher(options.localCloudEntry) : null);
  const azure = new AzureService({
    dataDir: options.dataDir,
    settings: () => settingsStore.read(),
    box: new SecretBox(options.keyProvider ?? defaultKeyProvider(options.dataDir)),
    logger,
    launchLocalCloud:
      launch ??
      (() => {
        throw new Error('This build has no local cloud to start.');
      }),
    ...(options.openBrowser ? { openBrowser: options.openBrowser } : {}),
    onDeviceCode: (prompt) => events.emit('auth.deviceCode', prompt),
  });
  const publishCloud = async () => events.emit('cloud.changed', await azure.status());

  const services: Services = {
    app: {
      info: async () => ({
        version: options.version,
        transport: options.transport,
        platform: `${process.platform}-${process.arch}`,
        dataDir: options.dataDir,
      }),
    },
    drives: {
      list: (input) => drives.list(input),
    },
    settings: {
      get: async () => settings.get(),
      update: (patch) => settings.update(patch),
    },
    cloud: {
      status: () => azure.status(),
    },
    auth: {
      signIn: async ({ method }) => {
        const account = await azure.signIn(method);
        audit.record('auth.signIn', account.username, { profile: settingsStore.read().cloudProfile });
        void publishCloud();
        return account;
      },
      cancelSignIn: async () => ({ cancelled: azure.auth.cancelSignIn() }),
      signOut: async () => {
        await azure.auth.signOut();
        audit.record('auth.signOut', null);
        const status = await azure.status();
        events.emit('cloud.changed', status);
        return status;
      },
    },
  };

  return {
    services,
    events,
    logger,
    audit,
    azure,
    close: async () => {
      watcher.stop();
      await azure.close();
      db.close();
    },
  };
}
