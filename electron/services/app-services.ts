import type { AppInfo, Services } from '../../shared/api/contract';
import { EventHub } from '../../shared/api/event-hub';
import { DrivesService, type DriveScan } from './disks/drives-service';
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
}

/** Everything a transport needs: the service implementations, their events, and a way to stop them. */
export interface AppServices {
  services: Services;
  events: EventHub;
  logger: Logger;
  audit: AuditLog;
  close(): void;
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
  };

  return {
    services,
    events,
    logger,
    audit,
    close: () => {
      watcher.stop();
      db.close();
    },
  };
}
