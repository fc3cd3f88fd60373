import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SnapshotEntry, SnapshotSummary } from '../../../shared/api/contract';
import { SeedshipError } from '../../../shared/api/errors';
import type { ExclusionRules } from '../../../shared/backup/exclusions';
import { formatDecimalBytes } from '../../../shared/drives/format-bytes';
import type { TaskRecord } from '../../../shared/tasks/task-record';
import { loadSnapshot } from '../../workers/backup/restore-snapshot';
import { listSnapshots } from '../../workers/backup/snapshot-format';
import type { AuditLog } from '../store/audit-log';
import type { TaskHandle, TaskRegistry } from '../tasks/task-registry';
import { runBackup, type BackupResult } from './backup-run';
import { Catalog } from './catalog';
import { inside, validateOffline, type PlanService } from './plan-service';
import { beginRepository, openRepository, REPOSITORY_FOLDER, repositoryDir, type OpenRepository, type UnlockedKeyCache } from './repository';
import { runRestore } from './restore-run';
import { recordStagedJob } from './staging-descriptor';

export interface WorkerEntries {
  backup: string;
  restore: string;
}

export interface BackupServiceOptions {
  dataDir: string;
  plans: PlanService;
  tasks: TaskRegistry;
  audit: AuditLog;
  workers: WorkerEntries;
  keyCache?: UnlockedKeyCache;
}

export interface BackupRequest {
  sources: string[];
  exclusions: ExclusionRules;
  stagingPath: string;
  jobName: string;
  passphrase: string;
  /** What disk prep needs about the import; null fields when the CLI wasn't told them. */
  azure?: { subscriptionId: string | null; storageAccount: string | null; container: string | null; resourceGroup: string | null; location: string | null };
  /** Packs held by the vault and no longer in staging (see reconcileCatalog). */
  remotePacks?: ReadonlySet<string>;
}

/**
 * Back Up Now and restore, as tasks. The plan (or the CLI) says what to back up and where; the
 * engine in backup-run.ts does the work; the staging descriptor records the job for disk prep.
 */
export class BackupService {
  private readonly repositories = new Map<string, OpenRepository>();

  constructor(private readonly options: BackupServiceOptions) {}

  /** Back Up Now with the wizard's plan. */
  startFromPlan(): TaskRecord {
    const { plans } = this.options;
    const plan = plans.get();
    if (plan.sources.length === 0) throw new SeedshipError('VALIDATION', 'Choose at least one folder to back up (step 1).', 'sources');
    if (!plan.offline) throw new SeedshipError('VALIDATION', 'Enter the offline details (step 5).', 'offline');
    validateOffline(plan.offline);
    if (plan.initialBackup !== 'own-disks') throw new SeedshipError('VALIDATION', 'Choose "Transfer using my own disks" (step 4): it is the initial backup Seedship prepares.', 'initialBackup');
    const passphrase = plans.passphrase();
    if (!passphrase) throw new SeedshipError('VALIDATION', 'Set the encryption passphrase (step 3).', 'passphrase');
    return this.start({
      sources: plan.sources,
      exclusions: plan.exclusions,
      stagingPath: plan.offline.stagingPath,
      jobName: plan.offline.jobName,
      passphrase,
      azure: {
        subscriptionId: plan.offline.subscriptionId,
        storageAccount: plan.offline.storageAccount,
        container: plan.offline.container,
        resourceGroup: plan.azure?.resourceGroup ?? null,
        location: plan.azure?.location ?? null,
      },
    });
  }

  /** Starts a backup task; progress goes out as task events. */
  start(request: BackupRequest): TaskRecord {
    if (this.options.tasks.running('backup')) throw new SeedshipError('CONFLICT', 'A backup is already running: wait for it or cancel it.');
    return this.options.tasks.start('backup', `Back up to ${request.stagingPath}`, async (task) => {
      const result = await this.backUp(request, task);
      return { summary: summarize(result), snapshotId: result.snapshotId };
    });
  }

  /** The whole backup, awaited (the CLI calls this directly; the UI through `start`). */
  async backUp(request: BackupRequest, task: Pick<TaskHandle, 'signal' | 'update' | 'warn'>): Promise<BackupResult> {
    const stagingPath = resolve(request.stagingPath);
    for (const source of request.sources) {
      if (!existsSync(source)) throw new SeedshipError('VALIDATION', `${source} does not exist.`, 'sources');
      if (inside(stagingPath, source)) throw new SeedshipError('VALIDATION', `The staging location is inside ${source}, which is being backed up.`, 'stagingPath');
    }
    await mkdir(stagingPath, { recursive: true });
    const repo = await this.repository(stagingPath, request.passphrase, true);
    const catalog = new Catalog(this.options.dataDir, repo.config.id);
    this.options.audit.record('backup.started', stagingPath, { jobName: request.jobName, sources: request.sources });
    try {
      const result = await runBackup({
        repo,
        catalog,
        sources: request.sources,
        exclusions: request.exclusions,
        jobName: request.jobName,
        workerEntry: this.options.workers.backup,
        skip: this.options.plans.skipped(stagingPath),
        signal: task.signal,
        onWarning: (path, reason) => task.warn(path, reason),
        onProgress: (p) => task.update({ filesDone: p.filesDone, filesTotal: p.filesTotal, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, bytesWritten: p.bytesWritten }, p.currentFile),
        ...(request.remotePacks ? { remotePacks: request.remotePacks } : {}),
      });
      await recordStagedJob(stagingPath, repo.config.id, REPOSITORY_FOLDER, {
        jobName: request.jobName,
        subscriptionId: request.azure?.subscriptionId ?? null,
        storageAccount: request.azure?.storageAccount ?? null,
        container: request.azure?.container ?? null,
        resourceGroup: request.azure?.resourceGroup ?? null,
        location: request.azure?.location ?? null,
        vault: null,
        snapshotId: result.snapshotId,
        sourceBytes: result.bytes,
        stagedBytes: await folderBytes(repo.dir),
        files: result.files,
        createdAt: new Date().toISOString(),
      });
      this.options.audit.record('backup.finished', stagingPath, { snapshotId: result.snapshotId, files: result.files, bytes: result.bytes, warnings: result.warningCount });
      return result;
    } finally {
      catalog.close();
    }
  }

  async snapshots(stagingPath: string, passphrase?: string): Promise<SnapshotSummary[]> {
    const repo = await this.repository(stagingPath, this.passphraseFor(passphrase), false);
    return (await listSnapshots(repo.dir, repo.keys)).reverse().map((s) => ({ id: s.id, createdAt: s.createdAt, sources: s.sources.map((x) => x.path), files: s.stats.files, bytes: s.stats.bytes, jobName: s.jobName }));
  }

  /** The entries directly inside `folder` of a snapshot ('' for the top). */
  async browse(stagingPath: string, snapshotId: string, folder: string, passphrase?: string): Promise<SnapshotEntry[]> {
    const repo = await this.repository(stagingPath, this.passphraseFor(passphrase), false);
    const { entries, index } = await loadSnapshot(repo.dir, repo.keys, snapshotId).catch((error: Error) => {
      throw new SeedshipError('NOT_FOUND', `Snapshot ${snapshotId} can’t be read: ${error.message}`, 'snapshotId');
    });
    index.close();
    const prefix = folder.replace(/\/+$/, '');
    return entries
      .filter((e) => (prefix === '' ? !e.path.includes('/') : e.path.startsWith(`${prefix}/`) && !e.path.slice(prefix.length + 1).includes('/')))
      .map((e) => ({ path: e.path, type: e.type, size: e.size, mtime: new Date(Number(BigInt(e.mtimeNs) / 1_000_000n)).toISOString() }))
      .sort((a, b) => (a.type === 'dir' ? 0 : 1) - (b.type === 'dir' ? 0 : 1) || a.path.localeCompare(b.path));
  }

  restore(request: { stagingPath: string; snapshotId?: string; to: string; paths?: string[]; passphrase?: string }): Promise<TaskRecord> {
    return this.prepareRestore(request).then(({ repo, to }) =>
      this.options.tasks.start('restore', `Restore to ${to}`, async (task) => {
        const result = await runRestore({
          repo,
          workerEntry: this.options.workers.restore,
          to,
          signal: task.signal,
          ...(request.snapshotId ? { snapshotId: request.snapshotId } : {}),
          ...(request.paths?.length ? { paths: request.paths } : {}),
          onProgress: (p) => task.update({ filesDone: p.filesDone, filesTotal: p.filesTotal, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }, p.currentFile),
          onWarning: (path, reason) => task.warn(path, reason),
        });
        this.options.audit.record('backup.restored', to, { snapshotId: result.snapshotId, files: result.files });
        return { summary: [`Restored ${result.files} files (${formatDecimalBytes(result.bytes)}) from snapshot ${result.snapshotId} to ${to}.`], snapshotId: result.snapshotId };
      }),
    );
  }

  /** Opens the repository and checks the restore target, before any task starts (errors go to the form). */
  async prepareRestore(request: { stagingPath: string; to: string; passphrase?: string }): Promise<{ repo: OpenRepository; to: string }> {
    const repo = await this.repository(request.stagingPath, this.passphraseFor(request.passphrase), false);
    const to = resolve(request.to);
    if (inside(to, request.stagingPath)) throw new SeedshipError('VALIDATION', 'Restore somewhere outside the staging location.', 'to');
    return { repo, to };
  }

  private passphraseFor(given: string | undefined): string {
    const passphrase = given ?? this.options.plans.passphrase();
    if (!passphrase) throw new SeedshipError('VALIDATION', 'Enter the backup’s passphrase.', 'passphrase');
    return passphrase;
  }

  /** Opens (or, for a backup into empty staging, creates) the repository; keys stay cached per staging path. */
  private async repository(stagingPath: string, passphrase: string, create: boolean): Promise<OpenRepository> {
    const path = resolve(stagingPath);
    // Keyed by the passphrase's hash too, so a different passphrase is checked, not waved through.
    const key = `${path}\0${createHash('sha256').update(passphrase).digest('hex')}`;
    const cached = this.repositories.get(key);
    if (cached && existsSync(join(cached.dir, 'config.json'))) return cached;
    const cache = this.options.keyCache;
    let repo: OpenRepository;
    if (existsSync(join(repositoryDir(path), 'config.json')) || !create) repo = await openRepository(path, passphrase, cache);
    else {
      // The backup starts while the new repository's config is saved (see beginRepository).
      repo = await beginRepository(path, passphrase);
      const created = repo;
      created.saved?.then(
        () => cache?.put(created.config, passphrase, created.keys),
        () => this.repositories.delete(key),
      );
    }
    this.repositories.set(key, repo);
    return repo;
  }
}

function summarize(result: BackupResult): string[] {
  const lines = [
    `Snapshot ${result.snapshotId}: ${result.files} files in ${result.dirs} folders, ${formatDecimalBytes(result.bytes)} read, ${formatDecimalBytes(result.bytesWritten)} written to staging.`,
  ];
  if (result.unchangedFiles > 0) lines.push(`${result.unchangedFiles} files were unchanged since the last backup and were not read again.`);
  if (result.excluded > 0) lines.push(`${result.excluded} items were excluded by your rules.`);
  if (result.warningCount === 1) lines.push('1 item needs attention (listed below).');
  else lines.push(result.warningCount > 0 ? `${result.warningCount} items need attention (listed below).` : 'Every file was backed up.');
  return lines;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      total += (await stat(join(entry.parentPath, entry.name))).size;
    }
  }
  return total;
}
