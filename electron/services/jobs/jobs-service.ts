import type { JobResponse, UpdateJobParameters } from '@azure/arm-storageimportexport';
import type { TokenCredential } from '@azure/core-auth';
import { SeedshipError } from '../../../shared/api/errors';
import { defaultScope, type CloudProfile } from '../../../shared/azure/cloud-profile';
import { emailProblem, toReturnInfo } from '../../../shared/diskprep/shipping-details';
import {
  carrierProblem,
  duplicateTracking,
  explainDriveState,
  explainJobState,
  explainResultCode,
  isFailedResult,
  isKnownResultCode,
  jobActions,
  trackingDeadline,
  trackingNumberProblem,
  TRACKING_DEADLINE_DAYS,
} from '../../../shared/jobs/job-model';
import type {
  DriveLogs,
  JobChange,
  JobDetail,
  JobDrive,
  JobList,
  JobRef,
  JobsChanged,
  JobSummary,
  ReturnShippingInput,
  TimelineEntry,
  TrackInput,
} from '../../../shared/jobs/jobs-api';
import type { AzureService } from '../azure/azure-service';
import { localCloudAdmin } from '../azure/local-cloud-admin';
import { extraCaPem } from '../azure/trusted-agent';
import type { AuditLog } from '../store/audit-log';
import type { Db } from '../store/database';
import type { Logger } from '../system/logger';
import { DEFAULT_DIAGNOSTICS_CONTAINER, openDiagnosticsContainer, readDriveLogs } from './diagnostics-logs';
import { jobKey, JobRecords, type JobRecord, type ObservedJob } from './job-records';

export interface JobsServiceOptions {
  db: Db;
  azure: AzureService;
  audit: AuditLog;
  logger: Logger;
  /** Whether the active profile is the local cloud (a scheduled check never starts it). */
  usesLocalCloud: () => boolean;
  /** Called with the state changes each check found (none: not called). */
  onChanges: (changes: JobsChanged) => void;
}

const DAY_MS = 24 * 3600 * 1000;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The job as the dashboard keeps it, from the SDK's answer. */
export function observeJob(job: JobResponse, ref: { subscriptionId: string; resourceGroup: string }): ObservedJob {
  const p = job.properties ?? {};
  const delivery = p.deliveryPackage;
  const back = p.returnPackage;
  const address = p.returnAddress as unknown as Record<string, unknown> | undefined;
  const shippingInfo = p.shippingInformation as unknown as Record<string, unknown> | undefined;
  const name = job.name ?? '';
  return {
    id: job.id ?? jobKey(ref.subscriptionId, ref.resourceGroup, name),
    name,
    subscriptionId: ref.subscriptionId,
    resourceGroup: /\/resourceGroups\/([^/]+)\//i.exec(job.id ?? '')?.[1] ?? ref.resourceGroup,
    location: job.location ?? null,
    storageAccountId: p.storageAccountId ?? null,
    jobType: p.jobType ?? null,
    state: p.state ?? 'Creating',
    createdAt: job.systemData?.createdAt ? new Date(job.systemData.createdAt).toISOString() : null,
    percentComplete: p.percentComplete ?? null,
    cancelRequested: p.cancelRequested === true,
    deliveryPackage: delivery?.trackingNumber
      ? { carrierName: delivery.carrierName, trackingNumber: delivery.trackingNumber, driveCount: delivery.driveCount ?? null, shipDate: delivery.shipDate ?? null }
      : null,
    returnPackage: back?.trackingNumber ? { carrierName: back.carrierName, trackingNumber: back.trackingNumber } : null,
    returnAddress: address ? Object.fromEntries(Object.entries(address).map(([k, v]) => [k, str(v)])) : null,
    returnShipping: p.returnShipping ? { carrierName: p.returnShipping.carrierName, carrierAccountNumber: p.returnShipping.carrierAccountNumber } : null,
    shippingInformation: shippingInfo ? Object.fromEntries(Object.entries(shippingInfo).map(([k, v]) => [k, str(v)])) : null,
    diagnosticsPath: p.diagnosticsPath ?? null,
    logLevel: p.logLevel ?? null,
    drives: (p.driveList ?? []).map((d) => ({
      driveId: d.driveId ?? '',
      state: d.state ?? 'Specified',
      copyStatus: d.copyStatus ?? null,
      percentComplete: d.percentComplete ?? null,
      bytesSucceeded: d.bytesSucceeded ?? null,
      errorLogUri: d.errorLogUri ?? null,
      verboseLogUri: d.verboseLogUri ?? null,
    })),
  };
}

/** Azure's words from a refusal ("Azure refused reading import job X: <reason>. (Code)"). */
function reasonOf(error: SeedshipError): string {
  return error.message.replace(/^Azure refused [^:]*: /, '').replace(/\s*\([A-Za-z]+\)$/, '');
}

/**
 * The job dashboard's service: follows every import job of the operator's subscriptions, records the
 * state changes it observes (ARM keeps no history), explains states and results, and makes the changes
 * a job's state still allows, refusing the others with the reason.
 */
export class JobsService {
  private readonly records: JobRecords;
  private checking: Promise<JobList> | null = null;
  private readonly carriers = new Map<string, string[]>();
  /** How far the cloud's clock ran ahead of this computer's at the last check (the local cloud's can). */
  private clockSkewMs = 0;

  constructor(private readonly o: JobsServiceOptions) {
    this.records = new JobRecords(o.db);
  }

  /** Every job the app follows; checks Azure first unless `cached`. */
  async list(cached = false): Promise<JobList> {
    if (cached) {
      const now = this.lastKnownNow();
      return { jobs: this.summaries(now), checkedAt: now.toISOString(), problems: [] };
    }
    return this.check();
  }

  /** Whether a scheduled check can run without starting anything or asking anyone to sign in. */
  async canCheckQuietly(): Promise<boolean> {
    if (this.o.usesLocalCloud() && this.o.azure.localCloud.state !== 'running') return false;
    try {
      return (await this.o.azure.auth.account()) !== null;
    } catch {
      return false;
    }
  }

  /** One check of every subscription at a time; callers during a check share its answer. */
  check(): Promise<JobList> {
    this.checking ??= this.runCheck().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async runCheck(): Promise<JobList> {
    const profile = await this.o.azure.profile();
    const now = await this.cloudNow(profile);
    const at = now.toISOString();
    const subscriptions = await this.subscriptions(profile);
    const listed = new Map<string, ObservedJob>();
    const reachable = new Set<string>();
    const problems: string[] = [];
    let unauthorized: SeedshipError | null = null;
    for (const subscriptionId of subscriptions) {
      try {
        const gateway = await this.o.azure.gateway(subscriptionId);
        for (const job of await gateway.importJobs.list()) {
          if (job.properties?.jobType && job.properties.jobType !== 'Import') continue;
          const observed = observeJob(job, { subscriptionId, resourceGroup: '' });
          listed.set(observed.id.toLowerCase(), observed);
        }
        reachable.add(subscriptionId.toLowerCase());
      } catch (error) {
        if (error instanceof SeedshipError && error.code === 'UNAUTHORIZED') unauthorized = error;
        problems.push(`Subscription ${subscriptionId}: ${(error as Error).message}`);
      }
    }
    if (reachable.size === 0 && unauthorized) throw unauthorized;

    const changes: JobChange[] = [];
    for (const job of listed.values()) changes.push(...this.record(job, at));
    // Jobs the app knows (seen before, or created by disk prep) that the lists no longer hold.
    const missing = new Map<string, { subscriptionId: string; resourceGroup: string; name: string; record: JobRecord | null; createdAt: string | null }>();
    for (const r of this.records.all()) {
      if (!r.deleted && !listed.has(r.job.id.toLowerCase())) missing.set(r.job.id.toLowerCase(), { subscriptionId: r.job.subscriptionId, resourceGroup: r.job.resourceGroup, name: r.job.name, record: r, createdAt: r.job.createdAt });
    }
    for (const c of this.records.createdByApp()) {
      const id = jobKey(c.subscriptionId, c.resourceGroup, c.jobName);
      if (!listed.has(id) && !missing.has(id) && !this.records.get(id)) missing.set(id, { subscriptionId: c.subscriptionId, resourceGroup: c.resourceGroup, name: c.jobName, record: null, createdAt: c.createdAt });
    }
    for (const [id, m] of missing) {
      if (!reachable.has(m.subscriptionId.toLowerCase())) continue;
      try {
        const gateway = await this.o.azure.gateway(m.subscriptionId);
        const job = await gateway.importJobs.get(m.resourceGroup, m.name);
        changes.push(...this.record(observeJob(job, m), at));
      } catch (error) {
        if (!(error instanceof SeedshipError) || error.code !== 'NOT_FOUND') {
          problems.push(`Job ${m.name}: ${(error as Error).message}`);
          continue;
        }
        if (!m.record) {
          this.records.save(stubJob(id, m), at);
          this.records.addEvent(id, { at: m.createdAt ?? at, kind: 'job', driveId: null, state: 'Creating', text: 'Created by Seedship’s disk prep.' });
        }
        const reason = this.deletionReason(reasonOf(error), m.record?.job ?? null, now);
        this.records.markDeleted(id, at, reason);
        this.records.addEvent(id, { at, kind: 'deleted', driveId: null, state: 'Deleted', text: reason });
        changes.push({ jobId: id, jobName: m.name, subscriptionId: m.subscriptionId, resourceGroup: m.resourceGroup, driveId: null, from: m.record?.job.state ?? null, to: 'Deleted', at, message: `Import job ${m.name} was deleted. ${reason}` });
      }
    }
    if (changes.length > 0) this.o.onChanges({ changes, checkedAt: at });
    return { jobs: this.summaries(now), checkedAt: at, problems };
  }

  /** The local cloud's rehearsal clock can run ahead; deadlines count on the cloud's time. */
  private async cloudNow(profile: CloudProfile): Promise<Date> {
    if (!profile.adminEndpoint) return new Date();
    try {
      const now = new Date((await localCloudAdmin<{ now: string }>(profile, 'GET', '/clock')).now);
      this.clockSkewMs = now.getTime() - Date.now();
      return now;
    } catch {
      return this.lastKnownNow();
    }
  }

  private lastKnownNow(): Date {
    return new Date(Date.now() + this.clockSkewMs);
  }

  /** The subscriptions ARM lists for the operator, and those the app has jobs or a plan in. */
  private async subscriptions(profile: CloudProfile): Promise<string[]> {
    const all = new Map<string, string>();
    const add = (s: string | null | undefined) => {
      if (s) all.set(s.toLowerCase(), all.get(s.toLowerCase()) ?? s);
    };
    add(profile.subscriptionId);
    try {
      for (const s of await listSubscriptions(profile, this.o.azure.auth.credential(profile.armAudience))) add(s);
    } catch (error) {
      if (error instanceof SeedshipError && error.code === 'UNAUTHORIZED') throw error;
      this.o.logger.warn('Listing subscriptions failed', error);
    }
    for (const c of this.records.createdByApp()) add(c.subscriptionId);
    for (const r of this.records.all()) add(r.job.subscriptionId);
    return [...all.values()];
  }

  private deletionReason(azureSays: string, last: ObservedJob | null, now: Date): string {
    if (!/not (be )?found/i.test(azureSays)) return azureSays;
    const created = last?.createdAt ? Date.parse(last.createdAt) : NaN;
    if (last && last.state === 'Creating' && !last.deliveryPackage && now.getTime() - created > TRACKING_DEADLINE_DAYS * DAY_MS) {
      return `Azure no longer has this job. It still had no carrier and tracking number ${TRACKING_DEADLINE_DAYS} days after its creation on ${(last.createdAt ?? '').slice(0, 10)}, so Azure deleted it under the two-week rule; its drives will not be processed.`;
    }
    return 'Azure no longer has this job: it was deleted outside Seedship (in the Azure portal or another tool).';
  }

  /** Stores an observed job and records what changed since the last look; returns the changes worth a notification. */
  private record(job: ObservedJob, at: string): JobChange[] {
    const id = job.id.toLowerCase();
    const before = this.records.get(id);
    const changes: JobChange[] = [];
    const event = (entry: Omit<TimelineEntry, 'at'> & { at?: string }) => this.records.addEvent(id, { at, ...entry });
    const change = (driveId: string | null, from: string | null, to: string, message: string) =>
      changes.push({ jobId: id, jobName: job.name, subscriptionId: job.subscriptionId, resourceGroup: job.resourceGroup, driveId, from, to, at, message });
    this.records.save(job, at);
    if (!before) {
      event({ at: job.createdAt ?? at, kind: 'job', driveId: null, state: 'Creating', text: 'Job created.' });
      if (job.state !== 'Creating') event({ kind: 'job', driveId: null, state: job.state, text: `First seen by Seedship: ${explainJobState(job.state).title.toLowerCase()}.` });
      if (job.deliveryPackage) event({ kind: 'note', driveId: null, state: null, text: `Tracking number ${job.deliveryPackage.trackingNumber} (${job.deliveryPackage.carrierName}).` });
      for (const d of job.drives) if (d.state !== 'Specified') event({ kind: 'drive', driveId: d.driveId, state: d.state, text: `Drive ${d.driveId}: ${explainDriveState(d.state).title.toLowerCase()}.` });
      return changes;
    }
    const old = before.job;
    if (before.deleted) event({ kind: 'note', driveId: null, state: null, text: 'The job is back in Azure.' });
    if (old.deliveryPackage?.trackingNumber !== job.deliveryPackage?.trackingNumber && job.deliveryPackage) {
      event({ kind: 'note', driveId: null, state: null, text: `Tracking number ${job.deliveryPackage.trackingNumber} (${job.deliveryPackage.carrierName}) entered.` });
    }
    if (!old.cancelRequested && job.cancelRequested) event({ kind: 'note', driveId: null, state: null, text: 'Cancellation requested.' });
    if (!old.returnPackage && job.returnPackage) event({ kind: 'note', driveId: null, state: null, text: `Drives shipped back: ${job.returnPackage.carrierName} ${job.returnPackage.trackingNumber}.` });
    if (old.state !== job.state) {
      const text = `${explainJobState(job.state).title}: ${explainJobState(job.state).meaning}`;
      event({ kind: 'job', driveId: null, state: job.state, text });
      change(null, old.state, job.state, `Import job ${job.name} is now ${job.state}. ${explainJobState(job.state).meaning}`);
    }
    for (const d of job.drives) {
      const was = old.drives.find((x) => x.driveId === d.driveId)?.state ?? null;
      if (was === d.state) continue;
      event({ kind: 'drive', driveId: d.driveId, state: d.state, text: `Drive ${d.driveId}: ${explainDriveState(d.state).title.toLowerCase()}.` });
      change(d.driveId, was, d.state, `Drive ${d.driveId} of ${job.name} is now ${d.state}. ${explainDriveState(d.state).meaning}`);
    }
    return changes;
  }

  private summaries(now: Date): JobSummary[] {
    const mine = new Set(this.records.createdByApp().map((c) => jobKey(c.subscriptionId, c.resourceGroup, c.jobName)));
    return this.records
      .all()
      .map((r) => this.summary(r, now, mine.has(r.job.id.toLowerCase())))
      .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.name.localeCompare(b.name));
  }

  private summary(r: JobRecord, now: Date, createdByApp: boolean): JobSummary {
    const j = r.job;
    const state = r.deleted ? 'Deleted' : j.state;
    const createdAt = j.createdAt ?? r.firstSeenAt;
    const storageAccount = j.storageAccountId ? (/storageAccounts\/([^/]+)$/i.exec(j.storageAccountId)?.[1] ?? null) : null;
    return {
      id: j.id.toLowerCase(),
      name: j.name,
      subscriptionId: j.subscriptionId,
      resourceGroup: j.resourceGroup,
      location: j.location,
      storageAccount,
      state,
      stateExplanation: explainJobState(state),
      createdAt,
      percentComplete: j.percentComplete,
      driveCount: j.drives.length,
      carrierName: j.deliveryPackage?.carrierName ?? null,
      trackingNumber: j.deliveryPackage?.trackingNumber ?? null,
      cancelRequested: j.cancelRequested,
      deleted: r.deleted,
      deadline: r.deleted ? null : trackingDeadline({ createdAt, state: j.state, trackingNumber: j.deliveryPackage?.trackingNumber ?? null }, now),
      createdByApp,
      lastCheckedAt: r.lastCheckedAt,
    };
  }

  /** Reads the job from Azure now; a job Azure no longer has is marked deleted (NOT_FOUND if the app never knew it). */
  private async refreshOne(ref: JobRef): Promise<{ record: JobRecord; now: Date; changes: JobChange[] }> {
    const profile = await this.o.azure.profile();
    const now = await this.cloudNow(profile);
    const at = now.toISOString();
    const id = jobKey(ref.subscriptionId, ref.resourceGroup, ref.jobName);
    const gateway = await this.o.azure.gateway(ref.subscriptionId);
    let changes: JobChange[] = [];
    try {
      changes = this.record(observeJob(await gateway.importJobs.get(ref.resourceGroup, ref.jobName), ref), at);
    } catch (error) {
      const known = this.records.get(id);
      if (!(error instanceof SeedshipError) || error.code !== 'NOT_FOUND' || !known) throw error;
      if (!known.deleted) {
        const reason = this.deletionReason(reasonOf(error), known.job, now);
        this.records.markDeleted(id, at, reason);
        this.records.addEvent(id, { at, kind: 'deleted', driveId: null, state: 'Deleted', text: reason });
        changes = [{ jobId: id, jobName: ref.jobName, subscriptionId: ref.subscriptionId, resourceGroup: ref.resourceGroup, driveId: null, from: known.job.state, to: 'Deleted', at, message: `Import job ${ref.jobName} was deleted. ${reason}` }];
      }
    }
    if (changes.length > 0) this.o.onChanges({ changes, checkedAt: at });
    return { record: this.records.get(id) as JobRecord, now, changes };
  }

  async show(ref: JobRef): Promise<JobDetail> {
    const { record, now } = await this.refreshOne(ref);
    return this.detail(record, now);
  }

  private async supportedCarriers(subscriptionId: string, location: string | null): Promise<string[]> {
    if (!location) return [];
    const key = location.toLowerCase();
    const known = this.carriers.get(key);
    if (known) return known;
    const gateway = await this.o.azure.gateway(subscriptionId);
    const carriers = (await gateway.importJobs.location(location)).supportedCarriers ?? [];
    this.carriers.set(key, carriers);
    return carriers;
  }

  private async detail(record: JobRecord, now: Date): Promise<JobDetail> {
    const j = record.job;
    const mine = this.records.createdByApp().some((c) => jobKey(c.subscriptionId, c.resourceGroup, c.jobName) === j.id.toLowerCase());
    const summary = this.summary(record, now, mine);
    const notes: string[] = [];
    let supportedCarriers: string[] = [];
    if (!record.deleted) {
      try {
        supportedCarriers = await this.supportedCarriers(j.subscriptionId, j.location);
      } catch (error) {
        notes.push(`The datacenter’s carriers couldn’t be read: ${(error as Error).message}`);
      }
    }
    const container = j.diagnosticsPath || DEFAULT_DIAGNOSTICS_CONTAINER;
    const drives: JobDrive[] = [];
    for (const d of j.drives) {
      let result: JobDrive['result'] = d.copyStatus ? { code: d.copyStatus, source: 'copyStatus', explanation: explainResultCode(d.copyStatus) } : null;
      // "More info" lives in the drive's error log: its status names the exact result (ManifestCorrupted…).
      const wantsLog = !record.deleted && (d.state === 'CompletedMoreInfo' || isFailedResult(d.copyStatus) || d.errorLogUri !== null);
      if (wantsLog && j.storageAccountId) {
        try {
          const logs = await readDriveLogs(await openDiagnosticsContainer(this.o.azure, j.storageAccountId, container), j.name, d.driveId, [d.errorLogUri]);
          const fromLog = logs.find((l) => l.kind === 'error' && isKnownResultCode(l.status) && l.status !== 'Completed')?.status;
          if (fromLog && (!result || !isFailedResult(result.code) || result.code === 'CompletedWithErrors')) result = { code: fromLog, source: 'errorLog', explanation: explainResultCode(fromLog) };
        } catch (error) {
          notes.push(`The logs of drive ${d.driveId} couldn’t be read: ${(error as Error).message}`);
        }
      }
      drives.push({ ...d, stateExplanation: explainDriveState(d.state), result });
    }
    const a = j.returnAddress;
    const s = j.shippingInformation;
    return {
      ...summary,
      drives,
      timeline: this.records.timeline(j.id),
      actions: jobActions({ state: j.state, cancelRequested: j.cancelRequested, deleted: record.deleted !== null }),
      returnAddress: a
        ? { recipientName: a.recipientName ?? '', streetAddress1: a.streetAddress1 ?? '', streetAddress2: a.streetAddress2 ?? '', city: a.city ?? '', stateOrProvince: a.stateOrProvince ?? '', postalCode: a.postalCode ?? '', countryOrRegion: a.countryOrRegion ?? '', phone: a.phone ?? '', email: a.email ?? '' }
        : null,
      returnShipping: j.returnShipping,
      shippingAddress: s
        ? { recipientName: s.recipientName ?? '', streetAddress1: s.streetAddress1 ?? '', streetAddress2: s.streetAddress2 ?? '', city: s.city ?? '', stateOrProvince: s.stateOrProvince ?? '', postalCode: s.postalCode ?? '', countryOrRegion: s.countryOrRegion ?? '', phone: s.phone ?? '' }
        : null,
      supportedCarriers,
      shipDate: j.deliveryPackage?.shipDate ?? null,
      returnTrackingNumber: j.returnPackage?.trackingNumber ?? null,
      diagnosticsContainer: container,
      logLevel: j.logLevel,
      notificationEmails: record.notificationEmails,
      notes,
    };
  }

  /** Throws CONFLICT with the reason when the job's state doesn't allow `action`. */
  private allowed(record: JobRecord, action: keyof ReturnType<typeof jobActions>, field?: string): void {
    const allowance = jobActions({ state: record.job.state, cancelRequested: record.job.cancelRequested, deleted: record.deleted !== null })[action];
    if (!allowance.allowed) throw new SeedshipError('CONFLICT', allowance.reason ?? 'The job’s state doesn’t allow this.', field);
  }

  private async update(ref: JobRef, body: UpdateJobParameters, doing: string): Promise<void> {
    const gateway = await this.o.azure.gateway(ref.subscriptionId);
    try {
      await gateway.importJobs.update(ref.resourceGroup, ref.jobName, body);
    } catch (error) {
      if (error instanceof SeedshipError && error.code === 'CONFLICT' && /tracking/i.test(error.message)) throw new SeedshipError('CONFLICT', error.message, 'trackingNumber');
      throw error;
    }
    this.o.audit.record(`jobs.${doing}`, ref.jobName, { subscriptionId: ref.subscriptionId, resourceGroup: ref.resourceGroup });
  }

  /**
   * Carrier and tracking number. The number must be unused by every other job of the operator (all
   * jobs Azure lists in their subscriptions, and those the app remembers), checked before anything is
   * sent; by default the job is also marked Shipping, which needs the return address.
   */
  async track(input: TrackInput): Promise<JobDetail> {
    const trackingProblem = trackingNumberProblem(input.trackingNumber);
    if (trackingProblem) throw new SeedshipError('VALIDATION', trackingProblem, 'trackingNumber');
    const { record } = await this.refreshOne(input);
    this.allowed(record, 'track', 'trackingNumber');
    const carrier = carrierProblem(input.carrierName, await this.supportedCarriers(input.subscriptionId, record.job.location));
    if (carrier) throw new SeedshipError('VALIDATION', carrier, 'carrierName');
    await this.check();
    const others = this.records.all().filter((r) => !r.deleted).map((r) => ({ id: r.job.id.toLowerCase(), name: r.job.name, state: r.job.state, trackingNumber: r.job.deliveryPackage?.trackingNumber ?? null }));
    const other = duplicateTracking(input.trackingNumber, others, record.job.id);
    if (other) {
      throw new SeedshipError(
        'CONFLICT',
        `The tracking number ${input.trackingNumber} is already used by the import job ${other.name} (${other.state}). Each job ships in its own package with its own tracking number: check the number on this package’s label.`,
        'trackingNumber',
      );
    }
    const markShipped = input.markShipped !== false && record.job.state === 'Creating';
    if (markShipped && !record.job.returnAddress) {
      throw new SeedshipError('VALIDATION', 'Azure needs the return address before the job can be marked shipped: enter it under Return shipping first.', 'returnAddress');
    }
    const profile = await this.o.azure.profile();
    const today = (await this.cloudNow(profile)).toISOString().slice(0, 10);
    await this.update(
      input,
      {
        deliveryPackage: { carrierName: input.carrierName.trim(), trackingNumber: input.trackingNumber.trim(), driveCount: record.job.drives.length, shipDate: input.shipDate ?? today },
        ...(markShipped ? { state: 'Shipping' } : {}),
      },
      'track',
    );
    return this.show(input);
  }

  /** The return address and return carrier (editable until Packaging). */
  async returnShipping(input: ReturnShippingInput): Promise<JobDetail> {
    const { record } = await this.refreshOne(input);
    this.allowed(record, 'returnShipping');
    const { shipping } = input;
    const carriers = await this.supportedCarriers(input.subscriptionId, record.job.location);
    const carrier = carrierProblem(shipping.returnCarrier.name, carriers);
    if (carrier) throw new SeedshipError('VALIDATION', carrier.replace('The carrier', 'The return carrier'), 'shipping.returnCarrier.name');
    await this.update(input, toReturnInfo(shipping), 'returnShipping');
    this.records.addEvent(jobKey(input.subscriptionId, input.resourceGroup, input.jobName), { at: this.lastKnownNow().toISOString(), kind: 'note', driveId: null, state: null, text: 'Return address and carrier updated.' });
    return this.show(input);
  }

  /**
   * Who hears of this job's state changes. Microsoft.ImportExport 2021-01-01 has no notification
   * e-mail field (only returnAddress.email), so the app keeps them with its record of the job.
   */
  async setNotificationEmails(ref: JobRef, emails: string[]): Promise<JobDetail> {
    const clean = [...new Set(emails.map((e) => e.trim()).filter((e) => e !== ''))];
    clean.forEach((email, i) => {
      const problem = emailProblem(email);
      if (problem) throw new SeedshipError('VALIDATION', problem, `emails.${i}`);
    });
    const { record } = await this.refreshOne(ref);
    if (record.deleted) throw new SeedshipError('CONFLICT', 'The job no longer exists in Azure.', 'emails');
    this.records.setNotificationEmails(record.job.id, clean);
    this.o.audit.record('jobs.notificationEmails', ref.jobName, { count: clean.length });
    return this.show(ref);
  }

  /** Asks Azure to cancel (best effort: before the drives arrive the job simply ends; later the copy is skipped). */
  async cancel(ref: JobRef): Promise<JobDetail> {
    const { record } = await this.refreshOne(ref);
    this.allowed(record, 'cancel');
    await this.update(ref, { cancelRequested: true }, 'cancel');
    return this.show(ref);
  }

  /** Deletes the job in Azure (only while Creating or once Completed); the app keeps its record, marked deleted. */
  async delete(ref: JobRef): Promise<JobSummary> {
    const { record, now } = await this.refreshOne(ref);
    this.allowed(record, 'delete');
    const gateway = await this.o.azure.gateway(ref.subscriptionId);
    await gateway.importJobs.delete(ref.resourceGroup, ref.jobName);
    const who = (await this.o.azure.auth.account())?.username ?? 'you';
    const at = now.toISOString();
    const reason = `Deleted by ${who} with Seedship on ${at.slice(0, 10)}.`;
    this.records.markDeleted(record.job.id, at, reason);
    this.records.addEvent(record.job.id, { at, kind: 'deleted', driveId: null, state: 'Deleted', text: reason });
    this.o.audit.record('jobs.delete', ref.jobName, { subscriptionId: ref.subscriptionId, resourceGroup: ref.resourceGroup, state: record.job.state });
    const mine = this.records.createdByApp().some((c) => jobKey(c.subscriptionId, c.resourceGroup, c.jobName) === record.job.id.toLowerCase());
    return this.summary(this.records.get(record.job.id) as JobRecord, now, mine);
  }

  /** A drive's copy logs from the job's diagnostics container, read into plain words. */
  async driveLogs(ref: JobRef & { driveId: string }): Promise<DriveLogs> {
    const { record } = await this.refreshOne(ref);
    const drive = record.job.drives.find((d) => d.driveId.toLowerCase() === ref.driveId.toLowerCase());
    if (!drive) throw new SeedshipError('NOT_FOUND', `The job ${ref.jobName} has no drive ${ref.driveId} (it has ${record.job.drives.map((d) => d.driveId).join(', ') || 'none'}).`, 'driveId');
    const container = record.job.diagnosticsPath || DEFAULT_DIAGNOSTICS_CONTAINER;
    if (!record.job.storageAccountId) return { driveId: drive.driveId, container, logs: [], problem: 'The job names no storage account.' };
    try {
      const client = await openDiagnosticsContainer(this.o.azure, record.job.storageAccountId, container);
      if (!(await client.exists())) return { driveId: drive.driveId, container, logs: [], problem: `No logs yet: the service creates the ${container} container when it copies the drives.` };
      const logs = await readDriveLogs(client, record.job.name, drive.driveId, [drive.errorLogUri, drive.verboseLogUri]);
      return { driveId: drive.driveId, container, logs, problem: logs.length === 0 ? 'No logs for this drive yet: the service writes them when it copies the drive.' : null };
    } catch (error) {
      return { driveId: drive.driveId, container, logs: [], problem: `The logs couldn’t be read: ${(error as Error).message}` };
    }
  }
}

/** A job disk prep created that Azure no longer has and the dashboard never saw: enough to list it. */
function stubJob(id: string, m: { subscriptionId: string; resourceGroup: string; name: string; createdAt: string | null }): ObservedJob {
  return {
    id,
    name: m.name,
    subscriptionId: m.subscriptionId,
    resourceGroup: m.resourceGroup,
    location: null,
    storageAccountId: null,
    jobType: 'Import',
    state: 'Creating',
    createdAt: m.createdAt,
    percentComplete: null,
    cancelRequested: false,
    deliveryPackage: null,
    returnPackage: null,
    returnAddress: null,
    returnShipping: null,
    shippingInformation: null,
    diagnosticsPath: null,
    logLevel: null,
    drives: [],
  };
}

/** ARM's subscription list for the signed-in operator (`GET /subscriptions`, api-version 2022-12-01). */
async function listSubscriptions(profile: CloudProfile, credential: TokenCredential): Promise<string[]> {
  const rest = await import('@azure/core-rest-pipeline');
  const ca = extraCaPem(profile);
  const pipeline = rest.createPipelineFromOptions({ ...(ca ? { tlsOptions: { ca } } : {}), userAgentOptions: { userAgentPrefix: 'Seedship' } });
  pipeline.addPolicy(rest.bearerTokenAuthenticationPolicy({ credential, scopes: defaultScope(profile.armAudience) }));
  const http = rest.createDefaultHttpClient();
  const ids: string[] = [];
  let url: string | undefined = `${profile.armEndpoint}/subscriptions?api-version=2022-12-01`;
  for (let page = 0; url && page < 20; page += 1) {
    const response = await pipeline.sendRequest(http, rest.createPipelineRequest({ url, method: 'GET' }));
    if (response.status === 401 || response.status === 403) throw new SeedshipError('UNAUTHORIZED', 'Sign in to Azure first.');
    if (response.status >= 400) throw new Error(`ARM answered ${response.status} listing subscriptions`);
    const body = JSON.parse(response.bodyAsText ?? '{}') as { value?: { subscriptionId?: string; state?: string }[]; nextLink?: string };
    for (const s of body.value ?? []) if (s.subscriptionId && s.state !== 'Disabled') ids.push(s.subscriptionId);
    url = body.nextLink;
  }
  return ids;
}
