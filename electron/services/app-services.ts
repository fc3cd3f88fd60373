import { join } from 'node:path';
import type { AppInfo, Services } from '../../shared/api/contract';
import { EventHub } from '../../shared/api/event-hub';
import { AzureService } from './azure/azure-service';
import type { LocalCloudLauncher } from './azure/local-cloud';
import { nodeLocalCloudLauncher } from './azure/node-launcher';
import { BackupService } from './backup/backup-service';
import { KeyCache } from './backup/key-cache';
import { PlanService } from './backup/plan-service';
import { DiskPrepService } from './diskprep/diskprep-service';
import { PreparedDriveStore } from './diskprep/prepared-drive-store';
import { DrivesService, type DriveScan } from './disks/drives-service';
import { jobCheckIntervalMs, JobWatcher } from './jobs/job-watcher';
import { JobsService } from './jobs/jobs-service';
import { defaultKeyProvider, SecretBox, type SecretKeyProvider } from './secrets/secret-box';
import { DriveWatcher } from './disks/drive-watcher';
import { SettingsService } from './settings/settings-service';
import { SettingsStore } from './settings/settings-store';
import { AuditLog } from './store/audit-log';
import { DocumentStore } from './store/document-store';
import { BackupScheduler } from './scheduler/backup-scheduler';
import type { Clock } from './scheduler/clock';
import { TaskRegistry } from './tasks/task-registry';
import { RecoveryPasswordVault } from './volume/recovery-password-vault';
import { openDatabase, type Db } from './store/database';
import { SeedStore } from './vault/seed-store';
import { VaultService } from './vault/vault-service';
import { createLogger, type Logger } from './system/logger';

export interface AppServicesOptions {
  dataDir: string;
  transport: AppInfo['transport'];
  version: string;
  /** Watch for drives coming and going and push `drives.changed` (the UI transports do). */
  watchDrives?: boolean;
  /** Check the import jobs on a schedule and push `jobs.changed` (the UI transports do). */
  watchJobs?: boolean;
  /** Run the backup plan's schedule (seed, then incremental backups to the vault): where the app runs long. */
  runSchedule?: boolean;
  /** The scheduler's clock (tests move it instead of waiting). */
  clock?: Clock;
  /** The schedule's time zone; the computer's unless given (tests). */
  timeZone?: string;
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
  /** The folder of the built worker threads (dist/workers): backup-worker.mjs, restore-worker.mjs. */
  workerDir?: string;
}

/** Everything a transport needs: the service implementations, their events, and a way to stop them. */
export interface AppServices {
  services: Services;
  events: EventHub;
  logger: Logger;
  audit: AuditLog;
  azure: AzureService;
  plans: PlanService;
  backups: BackupService;
  tasks: TaskRegistry;
  diskprep: DiskPrepService;
  jobs: JobsService;
  vault: VaultService;
  scheduler: BackupScheduler;
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

  const box = new SecretBox(options.keyProvider ?? defaultKeyProvider(options.dataDir));
  const launch = options.launchLocalCloud ?? (options.localCloudEntry ? nodeLocalCloudLauncher(options.localCloudEntry) : null);
  const azure = new AzureService({
    dataDir: options.dataDir,
    settings: () => settingsStore.read(),
    box,
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
  const tasks = new TaskRegistry((record) => events.emit('task.changed', record));
  const documents = new DocumentStore(db);
  const plans = new PlanService({ documents, box, audit, azure, dataDir: options.dataDir, onChange: (plan) => events.emit('plan.changed', plan) });
  const workerDir = options.workerDir ?? join(options.dataDir, 'no-workers-in-this-build');
  const backups = new BackupService({
    dataDir: options.dataDir,
    plans,
    tasks,
    audit,
    workers: { backup: join(workerDir, 'backup-worker.mjs'), restore: join(workerDir, 'restore-worker.mjs') },
    keyCache: new KeyCache(documents, box),
  });
  const seedStore = new SeedStore(db);
  const vault = new VaultService({
    dataDir: options.dataDir,
    azure,
    plans,
    backups,
    tasks,
    audit,
    store: seedStore,
    restoreWorker: join(workerDir, 'restore-worker.mjs'),
    keyCache: new KeyCache(documents, box),
  });
  const diskprep = new DiskPrepService({
    dataDir: options.dataDir,
    store: new PreparedDriveStore(db),
    vault: new RecoveryPasswordVault(documents, box),
    audit,
    tasks,
    drives,
    azure,
    ...(options.workerDir ? { workerDir: options.workerDir } : {}),
    ...(options.scan ? { scan: options.scan } : {}),
  });

  const jobs = new JobsService({
    db,
    azure,
    audit,
    logger,
    usesLocalCloud: () => settingsStore.read().cloudProfile === 'local',
    onChanges: (changes) => events.emit('jobs.changed', changes),
  });
  const jobWatcher = new JobWatcher({ check: () => jobs.check(), ready: () => jobs.canCheckQuietly(), intervalMs: jobCheckIntervalMs(), logger });
  if (options.watchJobs) jobWatcher.start();

  const scheduler = new BackupScheduler({
    plans,
    vault,
    tasks,
    events,
    documents,
    seeds: seedStore,
    knownJobState: async (jobName, subscriptionId) => {
      const { jobs: known } = await jobs.list(true);
      return known.find((j) => j.name === jobName && (!subscriptionId || j.subscriptionId.toLowerCase() === subscriptionId.toLowerCase()))?.state ?? null;
    },
    ready: () => jobs.canCheckQuietly(),
    audit,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  });
  if (options.runSchedule) scheduler.start();

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
    plan: {
      get: async () => plans.get(),
      save: async (patch) => plans.save(patch),
      reset: async () => plans.reset(),
      estimate: ({ sources, exclusions }) => plans.estimate(sources, exclusions),
      generatePassphrase: async () => ({ passphrase: plans.generatePassphrase() }),
      setPassphrase: ({ passphrase, confirmation, saveTo }) => plans.setPassphrase(passphrase, confirmation, saveTo),
      checkStaging: ({ stagingPath }) => plans.checkStaging(stagingPath),
      checkAzure: async (details) => ({ checks: await plans.checkAzure(details) }),
      registerProvider: async ({ subscriptionId }) => ({ state: await plans.registerProvider(subscriptionId) }),
      prepareAzure: (details) => plans.prepareAzure(details),
    },
    backup: {
      start: async () => backups.startFromPlan(),
      snapshots: ({ stagingPath, passphrase }) => backups.snapshots(stagingPath, passphrase),
      browse: ({ stagingPath, snapshotId, folder, passphrase }) => backups.browse(stagingPath, snapshotId, folder, passphrase),
      restore: (request) => backups.restore(request),
    },
    diskprep: {
      jobs: ({ stagingPath }) => diskprep.jobs(stagingPath),
      drives: ({ stagingPath }) => diskprep.drives(stagingPath),
      plan: ({ stagingPath, jobName, devices }) => diskprep.plan(stagingPath, jobName, devices),
      start: async (input) => diskprep.start(input),
      preparedDrives: async ({ jobName }) => diskprep.preparedDrives(jobName),
      revealKey: async ({ jobName, serial }) => diskprep.revealKey(jobName, serial),
      createImportJob: ({ stagingPath, jobName, shipping }) => diskprep.createImportJob(stagingPath, jobName, shipping),
      datacenter: ({ location }) => diskprep.datacenter(location),
      exportRecord: ({ jobName, to }) => diskprep.exportRecord(jobName, to),
    },
    jobs: {
      list: ({ cached }) => jobs.list(cached === true),
      show: (ref) => jobs.show(ref),
      track: (input) => jobs.track(input),
      returnShipping: (input) => jobs.returnShipping(input),
      notificationEmails: ({ emails, ...ref }) => jobs.setNotificationEmails(ref, emails),
      cancel: (ref) => jobs.cancel(ref),
      delete: (ref) => jobs.delete(ref),
      driveLogs: (input) => jobs.driveLogs(input),
    },
    vault: {
      status: (input) => vault.status(input),
      seed: (input) => vault.seed(input),
      backup: (input) => vault.backup(input),
      snapshots: (input) => vault.snapshots(input),
      restore: (input) => vault.restore(input),
      cleanup: (input) => vault.cleanup(input),
    },
    schedule: {
      status: () => scheduler.status(),
    },
    tasks: {
      list: async () => tasks.list(),
      cancel: async ({ id }) => tasks.cancel(id),
    },
  };

  return {
    services,
    events,
    logger,
    audit,
    azure,
    plans,
    backups,
    tasks,
    diskprep,
    jobs,
    vault,
    scheduler,
    close: async () => {
      watcher.stop();
      jobWatcher.stop();
      scheduler.stop();
      await azure.close();
      db.close();
    },
  };
}
