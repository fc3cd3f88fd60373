import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SeedshipError } from '../../../shared/api/errors';
import { formatDecimalBytes } from '../../../shared/drives/format-bytes';
import type { TaskRecord } from '../../../shared/tasks/task-record';
import type { SeedRecord, VaultBackupInput, VaultCleanupInput, VaultRestoreInput, VaultSnapshot, VaultStatus, VaultTarget } from '../../../shared/vault/vault-api';
import { readPackEntries } from '../../workers/backup/pack-file';
import { listSnapshots, type SnapshotDocument } from '../../workers/backup/snapshot-format';
import type { AzureService } from '../azure/azure-service';
import type { BackupService } from '../backup/backup-service';
import { inside, type PlanService } from '../backup/plan-service';
import { openRepository, REPOSITORY_FOLDER, repositoryDir, type OpenRepository, type UnlockedKeyCache } from '../backup/repository';
import { runRestore } from '../backup/restore-run';
import { DESCRIPTOR_FILE, readStagingDescriptor, type StagedJob } from '../backup/staging-descriptor';
import type { AuditLog } from '../store/audit-log';
import type { TaskHandle, TaskRegistry } from '../tasks/task-registry';
import { copySeedBlobs, downloadBlob, inParallel, listBlobs, localFiles, REPO_PREFIX, uploadFile, type RemoteBlob } from './blob-transfer';
import type { SeedStore } from './seed-store';
import { verifySeed } from './seed-verify';
import { VaultAzure, type ContainerAccess, type VaultLocation } from './vault-storage';

export interface VaultServiceOptions {
  dataDir: string;
  azure: AzureService;
  plans: PlanService;
  backups: BackupService;
  tasks: TaskRegistry;
  audit: AuditLog;
  store: SeedStore;
  /** The built restore worker (dist/workers/restore-worker.mjs). */
  restoreWorker: string;
  keyCache?: UnlockedKeyCache;
}

/** Where a backup's import and staging are, from the seed record, the staging descriptor or the plan. */
interface Target {
  jobName: string;
  stagingPath: string | null;
  staged: StagedJob | null;
  record: SeedRecord | null;
  subscriptionId: string;
  importAccount: string;
  importContainer: string;
  importResourceGroup: string | null;
  vaultName: string | null;
}

/** Everything a seed needs, checked before its task starts (errors go to the form, not the task). */
interface PreparedSeed {
  target: Target;
  importResourceGroup: string;
  vault: VaultLocation;
  source: ContainerAccess;
  seedBlobs: RemoteBlob[];
  repo: OpenRepository;
  skeleton: string;
  passphrase: string;
}

const PACK_BLOB = /packs\/[0-9a-f]{2}\/([0-9a-f]{64})\.pack$/;
const COMPLETED = 'Completed';

/**
 * The vault after the import job: seeds it by server-side copy from the import container and
 * verifies the seed, then sends later backups' new packs over the network, restores from it, and
 * cleans up the import container and staging once the seed is verified. Each long step is a task.
 */
export class VaultService {
  private readonly cloud: VaultAzure;

  constructor(private readonly options: VaultServiceOptions) {
    this.cloud = new VaultAzure(options.azure);
  }

  /** Where the backup stands: import job, vault, seed, what can be done next. Never throws for Azure trouble. */
  async status(input: VaultTarget): Promise<VaultStatus> {
    const problems: string[] = [];
    let target: Target;
    try {
      target = await this.target(input);
    } catch (error) {
      return { jobName: input.jobName ?? null, stagingPath: input.stagingPath ?? null, stagingPresent: false, importJobState: null, vault: null, seed: null, canSeed: false, canBackUp: false, canCleanUp: false, next: (error as Error).message, problems: [(error as Error).message] };
    }
    const { record } = target;
    const stagingPresent = !!target.stagingPath && existsSync(join(repositoryDir(target.stagingPath), 'config.json'));
    let importJobState: string | null = null;
    try {
      const group = target.importResourceGroup ?? (await this.cloud.accountResourceGroup(target.subscriptionId, target.importAccount));
      importJobState = await this.cloud.importJobState(target.subscriptionId, group, target.jobName);
    } catch (error) {
      if (!record?.cleanedUpAt) problems.push((error as Error).message);
    }
    let vault: VaultStatus['vault'] = record ? { name: record.vaultName, resourceGroup: record.vaultResourceGroup, storageAccountId: record.vaultAccountId, container: record.vaultContainer } : null;
    if (!vault) {
      try {
        vault = await this.cloud.findVault(target.subscriptionId, input.vault ?? target.vaultName);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    const verified = record?.state === 'verified';
    const canSeed = !verified && importJobState === COMPLETED && vault !== null;
    const canCleanUp = verified && !record?.cleanedUpAt;
    let next: string;
    if (verified && record?.cleanedUpAt) next = 'The vault holds the backup; staging and the import container are cleaned up. Run now sends only new data.';
    else if (verified) next = 'The vault holds a verified seed: later backups send only new data. You may now clean up the import container and staging.';
    else if (record?.state === 'failed') next = `The last seed did not verify (${record.problems[0] ?? 'see the problems'}): run it again.`;
    else if (canSeed) next = 'The import job is Completed: Run now copies the seed into the vault and verifies it.';
    else if (importJobState) next = `The import job is ${importJobState}: the vault can be seeded once it is Completed.`;
    else next = problems[0] ?? 'Sign in to Azure to see the import job.';
    return { jobName: target.jobName, stagingPath: target.stagingPath, stagingPresent, importJobState, vault, seed: record, canSeed, canBackUp: verified || canSeed, canCleanUp, next, problems };
  }

  /** Seeds the vault from the completed import job, as a task. */
  async seed(input: VaultTarget): Promise<TaskRecord> {
    const prepared = await this.prepareSeed(input);
    this.refuseIfBusy();
    return this.options.tasks.start('vault', `Seed vault ${prepared.vault.name} from import job ${prepared.target.jobName}`, async (task) => {
      try {
        const record = await this.runSeed(prepared, task);
        return { summary: seedSummary(record), snapshotId: record.snapshotId };
      } finally {
        await rm(prepared.skeleton, { recursive: true, force: true });
      }
    });
  }

  /**
   * "Run now": seeds first when the import job has completed and the vault has no verified seed,
   * then backs up (only changed files are read) and sends only the new packs to the vault.
   */
  async backup(input: VaultBackupInput): Promise<TaskRecord> {
    const target = await this.target(input);
    const passphrase = this.passphraseFor(input.passphrase);
    const seeded = target.record?.state === 'verified';
    const prepared = seeded ? null : await this.prepareSeed(input);
    this.refuseIfBusy();
    return this.options.tasks.start('vault', `Back up to the vault (job ${target.jobName})`, async (task) => {
      const summary: string[] = [];
      let record = target.record as SeedRecord;
      if (prepared) {
        try {
          record = await this.runSeed(prepared, task);
          summary.push(...seedSummary(record));
        } finally {
          await rm(prepared.skeleton, { recursive: true, force: true });
        }
      }
      const result = await this.runIncremental({ ...target, record }, record, passphrase, input.sources ?? null, task);
      summary.push(...result.summary);
      return { summary, snapshotId: result.snapshotId };
    });
  }

  /** The snapshots the vault holds (newest first); needs the passphrase, like everything that reads them. */
  async snapshots(input: VaultTarget): Promise<VaultSnapshot[]> {
    const { record } = await this.seededTarget(input);
    const vault = await this.cloud.vaultContainer({ storageAccountId: record.vaultAccountId, container: record.vaultContainer });
    const dir = await this.scratch(record.repositoryId, 'list');
    try {
      const repo = await this.fetchSkeleton(vault.container, record.prefix, dir, this.passphraseFor(input.passphrase), new AbortController().signal);
      return (await listSnapshots(repo.dir, repo.keys)).reverse().map((s) => ({ id: s.id, createdAt: s.createdAt, sources: s.sources.map((x) => x.path), files: s.stats.files, bytes: s.stats.bytes }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Restores a snapshot (the newest unless chosen), or chosen paths, from the vault alone, as a task. */
  async restore(input: VaultRestoreInput): Promise<TaskRecord> {
    const { target, record } = await this.seededTarget(input);
    const to = resolve(input.to);
    if (target.stagingPath && inside(to, target.stagingPath)) throw new SeedshipError('VALIDATION', 'Restore somewhere outside the staging location.', 'to');
    const vault = await this.cloud.vaultContainer({ storageAccountId: record.vaultAccountId, container: record.vaultContainer });
    const dir = await this.scratch(record.repositoryId, 'restore');
    let repo: OpenRepository;
    try {
      // The passphrase is checked against the vault's config before anything big is downloaded.
      repo = await this.fetchSkeleton(vault.container, record.prefix, dir, this.passphraseFor(input.passphrase), new AbortController().signal);
      if (input.snapshotId && !existsSync(join(repo.dir, 'snapshots', `${input.snapshotId}.snapshot`))) {
        throw new SeedshipError('NOT_FOUND', `The vault holds no snapshot ${input.snapshotId}.`, 'snapshotId');
      }
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return this.options.tasks.start('vault', `Restore from vault ${record.vaultName} to ${to}`, async (task) => {
      try {
        task.setPhase('download');
        const remote = [...(await listBlobs(vault.container, `${record.prefix}${REPO_PREFIX}packs/`)).values()];
        const total = remote.reduce((n, b) => n + b.size, 0);
        let done = 0;
        task.update({ filesDone: 0, filesTotal: remote.length, bytesDone: 0, bytesTotal: total });
        await inParallel(remote, task.signal, async (blob) => {
          await downloadBlob(vault.container, blob.name, join(dir, blob.name.slice(record.prefix.length)), task.signal);
          done += blob.size;
          task.update({ filesDone: 0, bytesDone: done });
        });
        task.setPhase('restore');
        const result = await runRestore({
          repo,
          workerEntry: this.options.restoreWorker,
          to,
          signal: task.signal,
          ...(input.snapshotId ? { snapshotId: input.snapshotId } : {}),
          ...(input.paths?.length ? { paths: input.paths } : {}),
          onProgress: (p) => task.update({ filesDone: p.filesDone, filesTotal: p.filesTotal, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }, p.currentFile),
          onWarning: (path, reason) => task.warn(path, reason),
        });
        this.options.audit.record('vault.restored', to, { jobName: record.jobName, vault: record.vaultName, snapshotId: result.snapshotId, files: result.files, downloadedBytes: total });
        return {
          summary: [`Restored ${result.files} files (${formatDecimalBytes(result.bytes)}) from snapshot ${result.snapshotId} in vault ${record.vaultName} to ${to}.`, `Downloaded ${remote.length} packs (${formatDecimalBytes(total)}).`],
          snapshotId: result.snapshotId,
        };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  /**
   * Deletes the import container's seed blobs and the staging repository: offered only once the vault
   * holds a verified seed, and only with the job's name typed again. Every step is audited.
   */
  async cleanup(input: VaultCleanupInput): Promise<TaskRecord> {
    const jobName = input.jobName ?? this.options.plans.get().offline?.jobName;
    if (!jobName) throw new SeedshipError('VALIDATION', 'Say which import job’s backup this is (its name).', 'jobName');
    if (this.options.store.get(jobName)?.state !== 'verified') {
      throw new SeedshipError('CONFLICT', `Clean-up is offered only once the vault holds a verified seed of ${jobName}: until then the import container and staging are the only copies.`);
    }
    const target = await this.target({ jobName });
    const record = target.record as SeedRecord;
    if (input.confirm !== target.jobName) throw new SeedshipError('VALIDATION', `Type the import job's name (${target.jobName}) to confirm the clean-up.`, 'confirm');
    this.refuseIfBusy();
    return this.options.tasks.start('vault', `Clean up after seeding (job ${target.jobName})`, async (task) => {
      const summary: string[] = [];
      const { audit } = this.options;
      audit.record('vault.cleanup.started', target.jobName, { vault: record.vaultName, importContainer: `${record.importAccount}/${record.importContainer}`, stagingPath: record.stagingPath });
      task.setPhase('check');
      const source = await this.cloud.container(record.subscriptionId, record.importResourceGroup, record.importAccount, record.importContainer);
      const vault = await this.cloud.vaultContainer({ storageAccountId: record.vaultAccountId, container: record.vaultContainer });
      const imported = [...(await listBlobs(source.container, REPO_PREFIX)).values()];
      const inVault = await listBlobs(vault.container, record.prefix);
      const lost = imported.filter((b) => inVault.get(`${record.prefix}${b.name}`)?.size !== b.size);
      if (lost.length > 0) {
        audit.record('vault.cleanup.refused', target.jobName, { missingFromVault: lost.length });
        throw new SeedshipError('CONFLICT', `The vault no longer holds ${lost.length} blobs of the import (such as ${(lost[0] as RemoteBlob).name}): nothing was deleted. Seed again first.`);
      }
      task.setPhase('delete-import');
      const descriptorBlob = (await listBlobs(source.container, DESCRIPTOR_FILE)).get(DESCRIPTOR_FILE);
      const doomed = descriptorBlob ? [...imported, descriptorBlob] : imported;
      const bytes = doomed.reduce((n, b) => n + b.size, 0);
      let deleted = 0;
      task.update({ filesDone: 0, filesTotal: doomed.length, bytesDone: 0, bytesTotal: bytes });
      await inParallel(doomed, task.signal, async (blob) => {
        await source.container.deleteBlob(blob.name, { deleteSnapshots: 'include' }).catch((error: { statusCode?: number }) => {
          if (error.statusCode !== 404) throw error;
        });
        deleted += 1;
        task.update({ filesDone: deleted });
      });
      audit.record('vault.cleanup.importDeleted', `${record.importAccount}/${record.importContainer}`, { jobName: target.jobName, blobs: doomed.length, bytes });
      summary.push(`Deleted ${doomed.length} blobs (${formatDecimalBytes(bytes)}) of the import from ${record.importAccount}/${record.importContainer}.`);

      task.setPhase('delete-staging');
      const staging = target.stagingPath;
      const config = staging ? await readFile(join(repositoryDir(staging), 'config.json'), 'utf8').catch(() => null) : null;
      if (staging && config && (JSON.parse(config) as { id?: string }).id === record.repositoryId) {
        await rm(repositoryDir(staging), { recursive: true, force: true });
        const descriptor = await readStagingDescriptor(staging).catch(() => null);
        if (descriptor?.repositoryId === record.repositoryId) await rm(join(staging, DESCRIPTOR_FILE), { force: true });
        audit.record('vault.cleanup.stagingDeleted', staging, { jobName: target.jobName, repositoryId: record.repositoryId });
        summary.push(`Deleted the staging data in ${staging} (${REPOSITORY_FOLDER} and ${DESCRIPTOR_FILE}); the rest of that folder is untouched.`);
      } else {
        summary.push(staging ? `${staging} no longer holds this backup's repository: nothing to delete there.` : 'No staging folder is recorded for this backup.');
      }
      this.options.store.update(target.jobName, { cleanedUpAt: new Date().toISOString() });
      audit.record('vault.cleanup.finished', target.jobName, { vault: record.vaultName });
      summary.push(`Backups of ${target.jobName} now go to vault ${record.vaultName} only.`);
      return { summary };
    });
  }

  // ——— seeding ———

  private async prepareSeed(input: VaultTarget): Promise<PreparedSeed> {
    const target = await this.target(input);
    const passphrase = this.passphraseFor(input.passphrase);
    const importResourceGroup = target.importResourceGroup ?? (await this.cloud.accountResourceGroup(target.subscriptionId, target.importAccount));
    const state = await this.cloud.importJobState(target.subscriptionId, importResourceGroup, target.jobName);
    if (state !== COMPLETED) {
      throw new SeedshipError(
        'CONFLICT',
        state === 'Closed'
          ? `Import job ${target.jobName} is Closed (it finished with errors): check its copy logs before seeding from it.`
          : `Import job ${target.jobName} is ${state}: the vault can be seeded once the job is Completed.`,
        'jobName',
      );
    }
    const vault = await this.cloud.findVault(target.subscriptionId, input.vault ?? target.record?.vaultName ?? target.vaultName);
    const source = await this.cloud.container(target.subscriptionId, importResourceGroup, target.importAccount, target.importContainer);
    const seedBlobs = [...(await listBlobs(source.container, REPO_PREFIX)).values()];
    if (!seedBlobs.some((b) => b.name === `${REPO_PREFIX}config.json`)) {
      throw new SeedshipError('NOT_FOUND', `The import container ${target.importAccount}/${target.importContainer} holds no Seedship repository (no ${REPO_PREFIX}config.json): has the datacenter copied the drives?`, 'jobName');
    }
    const skeleton = await this.scratch(target.jobName, 'seed');
    try {
      await downloadBlob(source.container, `${REPO_PREFIX}config.json`, join(skeleton, REPO_PREFIX, 'config.json'), new AbortController().signal);
      const repo = await openRepository(skeleton, passphrase, this.options.keyCache);
      const local = target.stagingPath ? await readFile(join(repositoryDir(target.stagingPath), 'config.json'), 'utf8').catch(() => null) : null;
      if (local && (JSON.parse(local) as { id?: string }).id !== repo.config.id) {
        throw new SeedshipError('CONFLICT', `The import container holds another backup (repository ${repo.config.id}) than staging ${target.stagingPath}.`, 'stagingPath');
      }
      return { target, importResourceGroup, vault, source, seedBlobs, repo, skeleton, passphrase };
    } catch (error) {
      await rm(skeleton, { recursive: true, force: true });
      throw error;
    }
  }

  private async runSeed(p: PreparedSeed, task: TaskHandle): Promise<SeedRecord> {
    const { target, vault: location, repo } = p;
    const prefix = `${repo.config.id}/`;
    const vault = await this.cloud.vaultContainer(location);
    const total = p.seedBlobs.reduce((n, b) => n + b.size, 0);
    this.options.audit.record('vault.seed.started', target.jobName, { vault: location.name, blobs: p.seedBlobs.length, bytes: total });
    task.setPhase('copy');
    let copied = 0;
    let files = 0;
    task.update({ filesDone: 0, filesTotal: p.seedBlobs.length, bytesDone: 0, bytesTotal: total, bytesWritten: 0 });
    await copySeedBlobs({
      source: p.source,
      target: vault,
      blobs: p.seedBlobs,
      prefix,
      signal: task.signal,
      onCopied: (bytes) => {
        copied += bytes;
        files += 1;
        task.update({ filesDone: files, bytesDone: copied });
      },
    });

    task.setPhase('verify');
    const vaultBlobs = await listBlobs(vault.container, prefix);
    // The snapshots are read from the vault's copy: they must open with the passphrase there.
    for (const blob of vaultBlobs.values()) {
      if (blob.name.startsWith(`${prefix}${REPO_PREFIX}snapshots/`)) await downloadBlob(vault.container, blob.name, join(p.skeleton, blob.name.slice(prefix.length)), task.signal);
    }
    let snapshot: SnapshotDocument | null = null;
    const problems: string[] = [];
    try {
      snapshot = (await listSnapshots(repo.dir, repo.keys)).at(-1) ?? null;
    } catch (error) {
      problems.push(`A snapshot in the vault can't be opened: ${(error as Error).message}`);
    }
    let checked = 0;
    task.update({ filesDone: 0, bytesDone: 0 });
    const verified = await verifySeed({
      vault: vault.container,
      vaultBlobs,
      expected: p.seedBlobs,
      prefix,
      keys: repo.keys,
      stagingPath: target.stagingPath && existsSync(repositoryDir(target.stagingPath)) ? target.stagingPath : null,
      snapshot,
      signal: task.signal,
      onChecked: (bytes) => {
        checked += bytes;
        task.update({ bytesDone: checked });
      },
    });
    problems.push(...verified.problems);
    const now = new Date().toISOString();
    const record = this.options.store.put({
      jobName: target.jobName,
      repositoryId: repo.config.id,
      stagingPath: target.stagingPath,
      subscriptionId: target.subscriptionId,
      importResourceGroup: p.importResourceGroup,
      importAccount: target.importAccount,
      importContainer: target.importContainer,
      vaultName: location.name,
      vaultResourceGroup: location.resourceGroup,
      vaultAccountId: location.storageAccountId,
      vaultContainer: location.container,
      prefix,
      state: problems.length === 0 ? 'verified' : 'failed',
      snapshotId: snapshot?.id ?? null,
      blobs: p.seedBlobs.length,
      bytes: total,
      seededAt: now,
      verifiedAt: problems.length === 0 ? now : null,
      problems,
      lastUpload: target.record?.lastUpload ?? null,
      cleanedUpAt: null,
    });
    if (problems.length > 0) {
      this.options.audit.record('vault.seed.failed', target.jobName, { vault: location.name, problems: problems.slice(0, 10) });
      throw new SeedshipError('INTERNAL', `The seed in vault ${location.name} did not verify: ${problems.slice(0, 3).join(' ')}`);
    }
    this.options.audit.record('vault.seeded', target.jobName, { vault: location.name, snapshotId: record.snapshotId, blobs: record.blobs, bytes: record.bytes, packs: verified.index.packs.size });
    return record;
  }

  // ——— incremental backups ———

  private async runIncremental(target: Target, record: SeedRecord, passphrase: string, sources: string[] | null, task: TaskHandle): Promise<{ summary: string[]; snapshotId: string }> {
    const vault = await this.cloud.vaultContainer({ storageAccountId: record.vaultAccountId, container: record.vaultContainer });
    task.setPhase('backup');
    let remote = await listBlobs(vault.container, record.prefix);
    const remotePacks = new Set([...remote.keys()].flatMap((name) => PACK_BLOB.exec(name)?.slice(1, 2) ?? []));
    // Staging while it still holds the repository; after clean-up, a working folder in the data
    // folder with only the config and snapshots from the vault (the catalog knows every chunk).
    const stagingConfig = target.stagingPath ? await readFile(join(repositoryDir(target.stagingPath), 'config.json'), 'utf8').catch(() => null) : null;
    const inStaging = !!stagingConfig && (JSON.parse(stagingConfig) as { id?: string }).id === record.repositoryId;
    const folder = inStaging ? (target.stagingPath as string) : join(this.options.dataDir, 'vault', record.repositoryId, 'work');
    if (!inStaging) await this.fetchSkeleton(vault.container, record.prefix, folder, passphrase, task.signal);
    const repo = await openRepository(folder, passphrase, this.options.keyCache);
    const chosen = sources ?? (await this.defaultSources(target.jobName, repo));
    const plan = this.options.plans.get();
    const result = await this.options.backups.backUp(
      {
        sources: chosen,
        exclusions: plan.offline?.jobName === target.jobName ? plan.exclusions : { patterns: [], fileTypes: [] },
        stagingPath: folder,
        jobName: target.jobName,
        passphrase,
        azure: { subscriptionId: record.subscriptionId, storageAccount: record.importAccount, container: record.importContainer, resourceGroup: record.importResourceGroup, location: null },
        remotePacks,
      },
      task,
    );

    task.setPhase('upload');
    remote = await listBlobs(vault.container, record.prefix);
    const local = (await localFiles(repo.dir)).map((f) => ({ ...f, name: `${record.prefix}${REPO_PREFIX}${f.path}` }));
    // Packs are immutable and named by their contents' header: a pack the vault has is never sent
    // again. Snapshots go last, so the vault never lists a snapshot whose packs it lacks.
    const send = local.filter((f) => remote.get(f.name)?.size !== f.size);
    const packs = send.filter((f) => PACK_BLOB.test(f.name));
    const others = send.filter((f) => !PACK_BLOB.test(f.name));
    const bytes = send.reduce((n, f) => n + f.size, 0);
    let sent = 0;
    let chunks = 0;
    task.update({ filesDone: 0, filesTotal: send.length, bytesDone: 0, bytesTotal: bytes });
    const inFlight = new Map<string, number>();
    const report = () => task.update({ bytesDone: sent + [...inFlight.values()].reduce((n, b) => n + b, 0) });
    let files = 0;
    const upload = async (f: { path: string; name: string; size: number }) => {
      await uploadFile(vault.container, f.name, join(repo.dir, f.path), task.signal, (loaded) => {
        inFlight.set(f.name, loaded);
        report();
      });
      inFlight.delete(f.name);
      sent += f.size;
      files += 1;
      task.update({ filesDone: files });
      report();
    };
    await inParallel(packs, task.signal, async (f) => {
      chunks += (await readPackEntries(join(repo.dir, f.path), repo.keys)).length;
      await upload(f);
    });
    for (const f of others) await upload(f);
    // In the working folder the packs now live in the vault only.
    if (!inStaging) for (const f of packs) await rm(join(repo.dir, f.path), { force: true });
    const sentRecord = { at: new Date().toISOString(), snapshotId: result.snapshotId, packs: packs.length, chunks, bytes, otherFiles: others.length };
    this.options.store.update(target.jobName, { lastUpload: sentRecord });
    this.options.audit.record('vault.backup.uploaded', target.jobName, { vault: record.vaultName, ...sentRecord });
    return {
      snapshotId: result.snapshotId,
      summary: [
        `Snapshot ${result.snapshotId}: ${result.files} files, ${formatDecimalBytes(result.bytes)}; ${result.unchangedFiles} unchanged files were not read again.`,
        `Sent ${packs.length} new packs (${chunks} chunks) and ${others.length} snapshot/config files to vault ${record.vaultName}: ${formatDecimalBytes(bytes)} over the network.`,
      ],
    };
  }

  /** The plan's sources for the plan's job, else those of the newest snapshot. */
  private async defaultSources(jobName: string, repo: OpenRepository): Promise<string[]> {
    const plan = this.options.plans.get();
    if (plan.offline?.jobName === jobName && plan.sources.length > 0) return plan.sources;
    const latest = (await listSnapshots(repo.dir, repo.keys)).at(-1);
    if (!latest) throw new SeedshipError('VALIDATION', 'Say which folders to back up.', 'sources');
    return latest.sources.map((s) => s.path);
  }

  // ——— helpers ———

  private async target(input: VaultTarget): Promise<Target> {
    const plan = this.options.plans.get();
    let stagingPath = input.stagingPath ? resolve(input.stagingPath) : null;
    let jobName = input.jobName ?? null;
    if (!jobName && stagingPath) {
      const jobs = (await readStagingDescriptor(stagingPath).catch(() => null))?.jobs ?? [];
      if (jobs.length === 1) jobName = (jobs[0] as StagedJob).jobName;
    }
    jobName ??= plan.offline?.jobName ?? null;
    if (!jobName) throw new SeedshipError('VALIDATION', 'Say which import job’s backup this is (its name).', 'jobName');
    const record = this.options.store.get(jobName);
    const planned = plan.offline?.jobName === jobName ? plan.offline : null;
    stagingPath ??= record?.stagingPath ?? (planned?.stagingPath ? resolve(planned.stagingPath) : null);
    const descriptor = stagingPath ? await readStagingDescriptor(stagingPath).catch(() => null) : null;
    const staged = descriptor?.jobs.find((j) => j.jobName === jobName) ?? null;
    const subscriptionId = record?.subscriptionId ?? staged?.subscriptionId ?? planned?.subscriptionId ?? null;
    const importAccount = record?.importAccount ?? staged?.storageAccount ?? planned?.storageAccount ?? null;
    const importContainer = record?.importContainer ?? staged?.container ?? planned?.container ?? null;
    if (!subscriptionId || !importAccount || !importContainer) {
      throw new SeedshipError('NOT_FOUND', `Seedship doesn't know the subscription, storage account and container of job ${jobName}: give its staging folder (seedship-staging.json records them).`, 'stagingPath');
    }
    return {
      jobName,
      stagingPath,
      staged,
      record,
      subscriptionId,
      importAccount,
      importContainer,
      importResourceGroup: record?.importResourceGroup ?? staged?.resourceGroup ?? (planned ? (plan.azure?.resourceGroup ?? null) : null),
      vaultName: input.vault ?? record?.vaultName ?? staged?.vault ?? null,
    };
  }

  private async seededTarget(input: VaultTarget): Promise<{ target: Target; record: SeedRecord }> {
    const target = await this.target(input);
    if (target.record?.state !== 'verified') throw new SeedshipError('NOT_FOUND', `The vault holds no verified seed of ${target.jobName} yet: seed it first (Run now once the import job is Completed).`, 'jobName');
    return { target, record: target.record };
  }

  /** Downloads the repository's config and snapshots from the vault into `root` and opens it (the passphrase is checked here). */
  private async fetchSkeleton(container: ContainerAccess['container'], prefix: string, root: string, passphrase: string, signal: AbortSignal): Promise<OpenRepository> {
    const remote = await listBlobs(container, `${prefix}${REPO_PREFIX}`);
    for (const blob of remote.values()) {
      const rel = blob.name.slice(prefix.length);
      if (rel === `${REPO_PREFIX}config.json` || rel.startsWith(`${REPO_PREFIX}snapshots/`)) {
        const to = join(root, rel);
        if (!existsSync(to)) await downloadBlob(container, blob.name, to, signal);
      }
    }
    return openRepository(root, passphrase, this.options.keyCache);
  }

  private async scratch(owner: string, purpose: string): Promise<string> {
    const dir = join(this.options.dataDir, 'vault', owner.replace(/[^A-Za-z0-9-]/g, '_'), `${purpose}-${randomBytes(4).toString('hex')}`);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  private passphraseFor(given: string | undefined): string {
    const passphrase = given ?? this.options.plans.passphrase();
    if (!passphrase) throw new SeedshipError('VALIDATION', 'Enter the backup’s passphrase.', 'passphrase');
    return passphrase;
  }

  private refuseIfBusy(): void {
    if (this.options.tasks.running('vault') || this.options.tasks.running('backup')) throw new SeedshipError('CONFLICT', 'A backup or vault task is already running: wait for it or cancel it.');
  }
}

function seedSummary(record: SeedRecord): string[] {
  return [
    `Seeded vault ${record.vaultName} from ${record.importAccount}/${record.importContainer}: ${record.blobs} blobs (${formatDecimalBytes(record.bytes)}) copied server-side.`,
    `Verified: every blob is there whole, every pack's header matches its name, and snapshot ${record.snapshotId ?? '—'} has all its chunks.`,
  ];
}
