import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DriveList } from '../../../shared/drives/drive';
import { SeedshipError } from '../../../shared/api/errors';
import {
  MAX_DRIVES_PER_JOB,
  ShippingRecordSchema,
  type Datacenter,
  type DiskPrepPlan,
  type ImportJobResult,
  type PreparedDrive,
  type ShippingRecord,
  type StagingJobs,
  type StartPrepInput,
} from '../../../shared/diskprep/diskprep-api';
import { ShippingDetailsSchema, type ShippingDetails } from '../../../shared/diskprep/shipping-details';
import { estimateUsableBytes, planSpanning } from '../../../shared/diskprep/span-plan';
import type { TaskRecord } from '../../../shared/tasks/task-record';
import type { AzureService } from '../azure/azure-service';
import type { DrivesService, DriveScan } from '../disks/drives-service';
import { scanDrives } from '../disks/drive-scanner';
import type { AuditLog } from '../store/audit-log';
import type { TaskRegistry } from '../tasks/task-registry';
import { type RecoveryPasswordVault } from '../volume/recovery-password-vault';
import { createImportJob, readDatacenter } from './import-job';
import { PrepJournal } from './prep-journal';
import { prepareDrive, type PrepareDriveDeps, type PrepareDriveOptions } from './prepare-drive';
import type { PreparedDriveStore } from './prepared-drive-store';
import { findStagedJob, listStagingFiles, loadStaging } from './staging-files';

export interface DiskPrepServiceOptions {
  dataDir: string;
  store: PreparedDriveStore;
  vault: RecoveryPasswordVault;
  audit: AuditLog;
  tasks: TaskRegistry;
  drives: DrivesService;
  azure: AzureService;
  workerDir?: string;
  scan?: DriveScan;
}

/** The recovery password of a drive is sealed under its protector ID and serial. */
const vaultLabel = (serial: string) => `diskprep ${serial}`;

/**
 * Disk prep, behind the `diskprep` API and the CLI: staged jobs, candidate drives, spanning plans,
 * drive preparation as tasks, prepared drives, recovery passwords on request, and the import job.
 */
export class DiskPrepService {
  constructor(private readonly o: DiskPrepServiceOptions) {}

  async jobs(stagingPath: string): Promise<StagingJobs> {
    const { root, descriptor } = await loadStaging(stagingPath);
    const listing = await listStagingFiles(root);
    return {
      stagingPath: root,
      files: listing.files.length,
      bytes: listing.files.reduce((n, f) => n + f.bytes, 0),
      unreadable: listing.unreadable,
      jobs: descriptor.jobs.map((j) => {
        const drives = this.o.store.drives(j.jobName);
        return {
          jobName: j.jobName,
          subscriptionId: j.subscriptionId,
          resourceGroup: j.resourceGroup,
          storageAccount: j.storageAccount,
          container: j.container,
          location: j.location,
          snapshotId: j.snapshotId,
          stagedBytes: j.stagedBytes,
          createdAt: j.createdAt,
          preparedDrives: drives.length,
          preparedBytes: drives.reduce((n, d) => n + d.bytes, 0),
          importJobCreatedAt: this.o.store.importJob(j.jobName)?.result.createdAt ?? null,
        };
      }),
    };
  }

  drives(stagingPath: string): Promise<DriveList> {
    return this.o.drives.list({ stagingPath: resolve(stagingPath) });
  }

  /** Which remaining staging files go on which of `devices`, estimated from each drive's size. */
  async plan(stagingPath: string, jobName: string, devices: string[]): Promise<DiskPrepPlan> {
    const { root, descriptor } = await loadStaging(stagingPath);
    findStagedJob(descriptor, root, jobName);
    const prepared = this.o.store.drives(jobName);
    if (prepared.length + devices.length > MAX_DRIVES_PER_JOB) {
      throw new SeedshipError('VALIDATION', `Job ${jobName} has ${prepared.length} prepared drives; with ${devices.length} more it would pass the limit of ${MAX_DRIVES_PER_JOB} drives per import job.`, 'devices');
    }
    const listing = await listStagingFiles(root);
    const taken = new Set((await PrepJournal.loadAll(this.o.dataDir, jobName)).flatMap((j) => j.state.header.files.map((f) => f.path)));
    const remaining = listing.files.filter((f) => !taken.has(f.path));
    const facts = await (this.o.scan ?? scanDrives)({ includeLoop: true });
    const drives = devices.map((device) => {
      const f = facts.find((d) => d.device === resolve(device));
      if (!f) throw new SeedshipError('NOT_FOUND', `${device} is not a drive this computer reports.`, 'devices');
      return { device: f.device, capacityBytes: f.sizeBytes, usableBytes: estimateUsableBytes(f.sizeBytes) };
    });
    const span = planSpanning(remaining, drives);
    return {
      jobName,
      totalFiles: listing.files.length,
      totalBytes: listing.files.reduce((n, f) => n + f.bytes, 0),
      preparedFiles: listing.files.length - remaining.length,
      drives: span.drives.map((d, i) => ({ device: d.device, capacityBytes: (drives[i] as { capacityBytes: number }).capacityBytes, usableBytes: d.usableBytes, files: d.files, bytes: d.bytes })),
      unplacedFiles: span.unplaced.length,
      unplacedBytes: span.unplaced.reduce((n, f) => n + f.bytes, 0),
      tooLarge: span.tooLarge,
    };
  }

  /** Starts preparing one drive as a task; the typed confirmation must name the device. */
  start(input: StartPrepInput): TaskRecord {
    if (input.confirmation.trim() !== input.device.trim()) {
      throw new SeedshipError('VALIDATION', `Type the drive's name (${input.device}) to confirm it may be erased.`, 'confirmation');
    }
    const running = this.o.tasks.running('diskprep');
    if (running) throw new SeedshipError('CONFLICT', `Disk prep is already running (${running.title}).`, 'device');
    return this.o.tasks.start('diskprep', `Preparing ${input.device} for ${input.jobName}`, async (task) => {
      const drive = await this.prepare({
        stagingPath: input.stagingPath,
        jobName: input.jobName,
        device: input.device,
        ...(input.xts256 !== undefined ? { xts256: input.xts256 } : {}),
        signal: task.signal,
        onProgress: (p) => {
          task.setPhase(p.phase);
          task.update({ bytesDone: p.doneBytes, bytesTotal: p.totalBytes }, p.currentFile);
        },
        onNote: (note) => task.warn(input.device, note),
      });
      return { summary: [`Drive ${drive.serial}: ${drive.files} files, ${drive.bytes} bytes, verified; manifest MD5 ${drive.manifestHash}.`] };
    });
  }

  /** Prepares one drive now (the CLI awaits this; `start` runs it as a task). */
  async prepare(request: Omit<PrepareDriveOptions, 'dataDir' | 'workerDir' | 'scan'>): Promise<PreparedDrive> {
    this.o.audit.record('diskprep.start', request.device, { jobName: request.jobName, stagingPath: resolve(request.stagingPath) });
    try {
      const drive = await prepareDrive({ ...request, dataDir: this.o.dataDir, ...(this.o.workerDir ? { workerDir: this.o.workerDir } : {}), ...(this.o.scan ? { scan: this.o.scan } : {}) }, this.deps());
      this.o.store.saveDrive(drive);
      this.o.audit.record('diskprep.drivePrepared', drive.serial, { jobName: drive.jobName, device: drive.device, index: drive.index, files: drive.files, bytes: drive.bytes, manifestHash: drive.manifestHash, protectorId: drive.protectorId });
      return drive;
    } catch (error) {
      this.o.audit.record('diskprep.failed', request.device, { jobName: request.jobName, reason: error instanceof SeedshipError ? error.code : 'INTERNAL' });
      throw error;
    }
  }

  preparedDrives(jobName: string): PreparedDrive[] {
    return this.o.store.drives(jobName);
  }

  revealKey(jobName: string, serial: string): { serial: string; protectorId: string; recoveryPassword: string } {
    const drive = this.o.store.drives(jobName).find((d) => d.serial === serial);
    if (!drive) throw new SeedshipError('NOT_FOUND', `Job ${jobName} has no prepared drive ${serial}.`, 'serial');
    const stored = this.o.vault.get(drive.protectorId, vaultLabel(serial));
    if (!stored) throw new SeedshipError('NOT_FOUND', `The recovery password of ${serial} can't be opened on this computer (it was sealed with another key).`, 'serial');
    this.o.audit.record('diskprep.revealKey', serial, { jobName, protectorId: drive.protectorId });
    return { serial, protectorId: drive.protectorId, recoveryPassword: stored.recoveryPassword };
  }

  async createImportJob(stagingPath: string, jobName: string, shipping: ShippingDetails): Promise<ImportJobResult> {
    const details = ShippingDetailsSchema.parse(shipping);
    const { root, descriptor } = await loadStaging(stagingPath);
    const job = findStagedJob(descriptor, root, jobName);
    const drives = this.o.store.drives(jobName);
    if (drives.length === 0) throw new SeedshipError('VALIDATION', `Job ${jobName} has no prepared drives yet.`, 'jobName');
    const pending = (await PrepJournal.loadAll(this.o.dataDir, jobName)).filter((j) => !drives.some((d) => d.serial === j.state.header.serial));
    if (pending.length > 0) throw new SeedshipError('CONFLICT', `Drive ${pending[0]?.state.header.serial ?? ''} of job ${jobName} is not finished: finish or resume it first.`, 'jobName');
    const keys = drives.map((d) => {
      const stored = this.o.vault.get(d.protectorId, vaultLabel(d.serial));
      if (!stored) throw new SeedshipError('NOT_FOUND', `The recovery password of ${d.serial} is not in this app's vault.`, 'jobName');
      return stored.recoveryPassword;
    });
    const result = await createImportJob(this.o.azure, job, drives, keys, details);
    this.o.store.saveImportJob(jobName, { result, shipping: details });
    this.o.audit.record('diskprep.importJobCreated', jobName, { drives: drives.map((d) => d.serial), location: result.location, storageAccountId: result.storageAccountId });
    return result;
  }

  async datacenter(location: string): Promise<Datacenter> {
    const settings = await this.o.azure.profile();
    if (!settings.subscriptionId) throw new SeedshipError('VALIDATION', 'Sign in first: the Locations API needs a subscription.', 'location');
    return readDatacenter(this.o.azure, settings.subscriptionId, location);
  }

  /** The shipping record (no secrets); written to `to` when given. */
  async exportRecord(jobName: string, to?: string): Promise<ShippingRecord> {
    const drives = this.o.store.drives(jobName);
    if (drives.length === 0) throw new SeedshipError('NOT_FOUND', `Job ${jobName} has no prepared drives.`, 'jobName');
    const created = this.o.store.importJob(jobName);
    const record: ShippingRecord = ShippingRecordSchema.parse({
      format: 'seedship-shipping-record',
      version: 1,
      jobName,
      subscriptionId: created?.result.subscriptionId ?? null,
      resourceGroup: created?.result.resourceGroup ?? null,
      storageAccount: created ? created.result.storageAccountId.split('/').at(-1) : null,
      location: created?.result.location ?? null,
      drives: drives.map(({ device: _device, ...rest }) => rest),
      returnAddress: created
        ? {
            recipientName: created.shipping.contactName,
            streetAddress1: created.shipping.streetAddress1,
            streetAddress2: created.shipping.streetAddress2 ?? '',
            city: created.shipping.city,
            stateOrProvince: created.shipping.stateOrProvince,
            postalCode: created.shipping.postalCode,
            countryOrRegion: created.shipping.countryOrRegion,
            phone: created.shipping.phone,
            email: created.shipping.email,
          }
        : null,
      returnCarrier: created ? created.shipping.returnCarrier : null,
      datacenter: created?.result.datacenter ?? null,
      importJobCreatedAt: created?.result.createdAt ?? null,
      exportedAt: new Date().toISOString(),
    });
    if (to) await writeFile(resolve(to), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    this.o.audit.record('diskprep.exportRecord', jobName, { to: to ? resolve(to) : null });
    return record;
  }

  private deps(): PrepareDriveDeps {
    return {
      preparedDrives: (jobName) => this.o.store.drives(jobName),
      saveRecoveryPassword: (serial, protectorId, device, recoveryPassword) => this.o.vault.save({ protectorId, label: vaultLabel(serial), device, recoveryPassword }),
      recoveryPassword: (serial, protectorId) => this.o.vault.get(protectorId, vaultLabel(serial))?.recoveryPassword ?? null,
    };
  }
}
