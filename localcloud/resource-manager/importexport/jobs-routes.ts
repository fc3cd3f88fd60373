import { ArmError, objectBody, ok, type ArmRequest, type Router } from '../http-kit';
import { checkApiVersion, requireResourceGroup, requireSubscription, storageAccountById, type ArmContext } from '../context';
import {
  canDelete,
  canEditDeliveryPackage,
  canEditReturnInfo,
  checkDeliveryPackage,
  checkDrives,
  checkJobName,
  checkReturnAddress,
  expiry,
  jobResponse,
  JOB_STATES,
  DRIVE_STATES,
  type StoredJob,
} from './job-rules';
import { findLocation, LOCATIONS, locationResource } from './locations';
import { OPERATIONS } from './operations';

/** The Import/Export API versions this stand-in answers (the spec's, and the one its examples use for locations). */
export const IMPORT_EXPORT_API_VERSIONS = ['2021-01-01', '2020-08-01'] as const;
const JOBS = 'Microsoft.ImportExport/jobs';
const jobId = (s: string, rg: string, name: string) => `/subscriptions/${s}/resourceGroups/${rg}/providers/${JOBS}/${name}`;

export function registerImportExportRoutes(router: Router, ctx: ArmContext): void {
  const version = (req: ArmRequest) => checkApiVersion(req.query, IMPORT_EXPORT_API_VERSIONS);

  /** Loads a job after letting business time act on it (deadline deletion, NeverReceived). */
  const loadJob = (s: string, rg: string, name: string): StoredJob | null => {
    const id = jobId(s, rg, name);
    const job = ctx.store.get<StoredJob>(id);
    return job ? applyTime(job) : null;
  };

  const applyTime = (job: StoredJob): StoredJob | null => {
    const now = ctx.clock.now();
    const due = expiry(job, now);
    if (due?.kind === 'delete') {
      ctx.store.delete(job.id, due.reason, now);
      return null;
    }
    if (due?.kind === 'never-received') {
      for (const d of job.properties.driveList) if (d.state === 'Specified') d.state = 'NeverReceived';
      save(job);
    }
    return job;
  };

  const save = (job: StoredJob) => ctx.store.put(job.id, JOBS, `/subscriptions/${job.internal.subscriptionId}/resourceGroups/${job.internal.resourceGroup}`, job);

  const requireJob = (s: string, rg: string, name: string): StoredJob => {
    requireResourceGroup(ctx, s, rg);
    const job = loadJob(s, rg, name);
    if (job) return job;
    const tomb = ctx.store.tombstone(jobId(s, rg, name));
    throw new ArmError(404, 'ResourceNotFound', tomb?.reason ?? `The Resource '${JOBS}/${name}' under resource group '${rg}' was not found.`);
  };

  const trackingInUse = (subscriptionId: string, trackingNumber: string, except: string) =>
    ctx.store
      .list<StoredJob>(JOBS, `/subscriptions/${subscriptionId}`)
      .find((j) => j.id.toLowerCase() !== except.toLowerCase() && (j.properties.deliveryPackage as { trackingNumber?: string } | undefined)?.trackingNumber?.toLowerCase() === trackingNumber.toLowerCase());

  const checkTracking = (job: StoredJob, pkg: Record<string, unknown>) => {
    const other = trackingInUse(job.internal.subscriptionId, String(pkg.trackingNumber), job.id);
    if (other) throw new ArmError(409, 'DuplicateTrackingNumber', `The tracking number ${String(pkg.trackingNumber)} is already used by the job ${other.name}: every job needs its own package and tracking number.`);
  };

  const list = (req: ArmRequest, scope: string) => {
    const all = ctx.store.list<StoredJob>(JOBS, scope).map(applyTime).filter((j): j is StoredJob => j !== null);
    const filtered = applyFilter(all, req.query.get('$filter'));
    const topRaw = req.query.get('$top');
    const top = topRaw === null ? 100 : Number(topRaw);
    if (!Number.isInteger(top) || top < 1 || top > 100) throw new ArmError(400, 'InvalidQueryParameterValue', '$top must be an integer from 1 to 100.');
    const skip = Number(req.query.get('$skiptoken') ?? 0) || 0;
    const page = filtered.slice(skip, skip + top);
    const body: Record<string, unknown> = { value: page.map(jobResponse) };
    if (skip + top < filtered.length) {
      const next = new URLSearchParams(req.query);
      next.set('$skiptoken', String(skip + top));
      body.nextLink = `${String(req.headers['x-arm-base'])}${req.path}?${next.toString()}`;
    }
    return ok(body);
  };

  router.add('GET', '/providers/Microsoft.ImportExport/locations', (req) => {
    version(req);
    return ok({ value: LOCATIONS.map(locationResource) });
  });
  router.add('GET', '/providers/Microsoft.ImportExport/locations/{location}', (req) => {
    version(req);
    const found = findLocation(req.params[0] as string);
    if (!found) throw new ArmError(404, 'LocationNotFound', `The location '${req.params[0] as string}' is not an Import/Export location.`);
    return ok(locationResource(found));
  });
  router.add('GET', '/providers/Microsoft.ImportExport/operations', (req) => {
    version(req);
    return ok({ value: OPERATIONS });
  });

  router.add('GET', '/subscriptions/{s}/providers/Microsoft.ImportExport/jobs', (req) => {
    version(req);
    const sub = requireSubscription(ctx, req.params[0] as string);
    return list(req, `/subscriptions/${sub.subscriptionId}`);
  });
  router.add('GET', '/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ImportExport/jobs', (req) => {
    version(req);
    const { sub, group } = requireResourceGroup(ctx, req.params[0] as string, req.params[1] as string);
    return list(req, `/subscriptions/${sub.subscriptionId}/resourceGroups/${group.name}`);
  });

  router.add('GET', '/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ImportExport/jobs/{name}', (req) => {
    version(req);
    const [s, rg, name] = req.params as [string, string, string];
    return ok(jobResponse(requireJob(s, rg, name)));
  });

  router.add('PUT', '/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ImportExport/jobs/{name}', (req) => {
    version(req);
    const [s, rg, name] = req.params as [string, string, string];
    const { sub, group } = requireResourceGroup(ctx, s, rg);
    checkJobName(name);
    const body = objectBody(req);
    const props = (body.properties ?? {}) as Record<string, unknown>;
    const existing = loadJob(sub.subscriptionId, group.name, name);
    if (existing && existing.properties.state !== 'Creating') {
      throw new ArmError(409, 'JobAlreadyExists', `The job ${name} already exists and is ${existing.properties.state}; it can no longer be replaced.`);
    }
    const jobType = props.jobType ?? 'Import';
    if (jobType !== 'Import' && jobType !== 'Export') throw new ArmError(400, 'InvalidJobType', 'jobType must be Import or Export.');
    const account = typeof props.storageAccountId === 'string' ? storageAccountById(ctx, props.storageAccountId) : undefined;
    if (!account) throw new ArmError(400, 'StorageAccountNotFound', `The storage account '${String(props.storageAccountId ?? '')}' was not found in this subscription.`);
    if (account.kind !== 'Storage' && account.kind !== 'StorageV2') {
      throw new ArmError(400, 'StorageAccountNotSupported', `The storage account ${account.name} is ${account.kind}: Import/Export needs a general purpose v1 or v2 account.`);
    }
    const where = findLocation(typeof body.location === 'string' ? body.location : account.location);
    if (!where) throw new ArmError(400, 'LocationNotSupported', `The location '${String(body.location)}' does not offer Import/Export.`);
    // Export jobs may name their drives later; import jobs ship with theirs.
    const driveList = jobType === 'Export' && props.driveList === undefined ? [] : checkDrives(props.driveList, jobType);
    if (jobType === 'Export' && (typeof props.export !== 'object' || props.export === null)) {
      throw new ArmError(400, 'InvalidExportBlobList', 'An export job needs "export" with the blobs (blobList or blobListBlobPath) to export.');
    }
    const now = ctx.clock.now().toISOString();
    const user = String(req.claims.preferred_username ?? 'unknown');
    const id = jobId(sub.subscriptionId, group.name, name);
    const job: StoredJob = {
      id,
      name,
      type: JOBS,
      location: typeof body.location === 'string' ? body.location : account.location,
      tags: (body.tags as Record<string, unknown> | undefined) ?? {},
      identity: { type: 'None' },
      systemData: { createdBy: user, createdByType: 'User', createdAt: existing?.systemData.createdAt ?? now, lastModifiedBy: user, lastModifiedByType: 'User', lastModifiedAt: now },
      properties: {
        storageAccountId: props.storageAccountId,
        jobType,
        ...(props.returnAddress !== undefined ? { returnAddress: checkReturnAddress(props.returnAddress) } : {}),
        ...(props.returnShipping !== undefined ? { returnShipping: props.returnShipping } : {}),
        shippingInformation: { recipientName: where.recipientName, streetAddress1: where.streetAddress1, streetAddress2: where.streetAddress2, city: where.city, stateOrProvince: where.stateOrProvince, postalCode: where.postalCode, countryOrRegion: where.countryOrRegion, phone: where.phone, additionalInformation: where.additionalShippingInformation },
        ...(props.deliveryPackage !== undefined ? { deliveryPackage: checkDeliveryPackage(props.deliveryPackage) } : {}),
        diagnosticsPath: typeof props.diagnosticsPath === 'string' ? props.diagnosticsPath : 'waimportexport',
        logLevel: props.logLevel === 'Verbose' ? 'Verbose' : 'Error',
        backupDriveManifest: props.backupDriveManifest === true,
        ...(jobType === 'Export' ? { export: props.export } : {}),
        cancelRequested: false,
        state: 'Creating',
        driveList,
        percentComplete: 0,
        provisioningState: 'Succeeded',
        encryptionKey: { kekType: 'MicrosoftManaged' },
      },
      internal: { shippedAt: null, subscriptionId: sub.subscriptionId, resourceGroup: group.name },
    };
    if (job.properties.deliveryPackage) checkTracking(job, job.properties.deliveryPackage as Record<string, unknown>);
    save(job);
    return ok(jobResponse(job), existing ? 200 : 201);
  });

  router.add('PATCH', '/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ImportExport/jobs/{name}', (req) => {
    version(req);
    const [s, rg, name] = req.params as [string, string, string];
    const job = requireJob(s, rg, name);
    const request = objectBody(req);
    // UpdateJobParameters: tags at the top, everything else under "properties" (x-ms-client-flatten).
    const body = (request.properties ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw new ArmError(400, 'InvalidRequestContent', 'properties must be an object.');
    const state = job.properties.state;
    const refuse = (what: string) => {
      throw new ArmError(409, 'UpdateNotAllowedInCurrentState', `${what} can't be changed while the job is ${state}.`);
    };
    if (request.tags !== undefined) job.tags = request.tags as Record<string, unknown>;
    for (const field of ['returnAddress', 'returnShipping', 'logLevel', 'backupDriveManifest'] as const) {
      if (body[field] === undefined) continue;
      if (!canEditReturnInfo(state)) refuse(field);
      job.properties[field] = field === 'returnAddress' ? checkReturnAddress(body[field]) : body[field];
    }
    if (body.deliveryPackage !== undefined) {
      if (!canEditDeliveryPackage(state)) refuse('deliveryPackage');
      const pkg = checkDeliveryPackage(body.deliveryPackage);
      checkTracking(job, pkg);
      job.properties.deliveryPackage = pkg;
    }
    if (body.driveList !== undefined) {
      if (state !== 'Creating') refuse('driveList');
      job.properties.driveList = checkDrives(body.driveList, String(job.properties.jobType));
    }
    if (body.state !== undefined && body.state !== '') {
      // The only state a client may set: "Shipping", once ReturnAddress and DeliveryPackage are known (spec).
      if (body.state !== 'Shipping') throw new ArmError(400, 'InvalidState', 'The only state a client can set is Shipping.');
      if (state !== 'Creating' && state !== 'Shipping') refuse('state');
      if (!job.properties.returnAddress || !job.properties.deliveryPackage) {
        throw new ArmError(400, 'ShippingInformationMissing', 'Set returnAddress and deliveryPackage (carrier and tracking number) before marking the job as Shipping.');
      }
      if (state === 'Creating') {
        job.properties.state = 'Shipping';
        job.internal.shippedAt = ctx.clock.now().toISOString();
      }
    }
    if (body.cancelRequested !== undefined) {
      if (body.cancelRequested !== true) throw new ArmError(400, 'InvalidCancelRequest', 'cancelRequested can only be set to true.');
      // Best effort (REFERENCE): before the drives arrive nothing is left to do, so the job completes;
      // once they are in the datacenter the copy is skipped and they are packed for return.
      if (!canEditReturnInfo(state)) refuse('cancelRequested');
      job.properties.cancelRequested = true;
      if (state === 'Creating' || state === 'Shipping') job.properties.state = 'Completed';
    }
    job.systemData.lastModifiedAt = ctx.clock.now().toISOString();
    job.systemData.lastModifiedBy = String(req.claims.preferred_username ?? 'unknown');
    save(job);
    return ok(jobResponse(job));
  });

  router.add('DELETE', '/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ImportExport/jobs/{name}', (req) => {
    version(req);
    const [s, rg, name] = req.params as [string, string, string];
    requireResourceGroup(ctx, s, rg);
    const job = loadJob(s, rg, name);
    if (!job) return { status: 204 };
    if (!canDelete(job.properties.state)) {
      throw new ArmError(409, 'JobCannotBeDeleted', `The job ${name} is ${job.properties.state}: a job can be deleted only while Creating or once Completed.`);
    }
    ctx.store.delete(job.id, `The import job ${name} was deleted by ${String(req.claims.preferred_username ?? 'its owner')}.`, ctx.clock.now());
    return ok(undefined);
  });

  router.add('POST', '/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ImportExport/jobs/{name}/listBitLockerKeys', (req) => {
    version(req);
    const [s, rg, name] = req.params as [string, string, string];
    const job = requireJob(s, rg, name);
    return ok({ value: job.properties.driveList.filter((d) => d.bitLockerKey).map((d) => ({ driveId: d.driveId, bitLockerKey: d.bitLockerKey })) });
  });
}

/** `$filter` as the jobs list supports it: `state eq 'X'` (and `and` of such terms). */
function applyFilter(jobs: StoredJob[], filter: string | null): StoredJob[] {
  if (!filter) return jobs;
  const terms = filter.split(/\s+and\s+/i).map((t) => /^\s*(state|name)\s+eq\s+'([^']*)'\s*$/i.exec(t));
  if (terms.some((t) => t === null)) throw new ArmError(400, 'InvalidFilter', `The $filter '${filter}' is not supported: use state eq '<state>' or name eq '<name>'.`);
  return jobs.filter((j) => terms.every((t) => (t![1]!.toLowerCase() === 'state' ? j.properties.state : j.name).toLowerCase() === t![2]!.toLowerCase()));
}

/** Rehearsal control: move a job (and its drives) along the life cycle, as the datacenter would. */
export function setJobState(ctx: ArmContext, s: string, rg: string, name: string, body: Record<string, unknown>): StoredJob {
  const id = jobId(s, rg, name);
  const job = ctx.store.get<StoredJob>(id);
  if (!job) throw new ArmError(404, 'ResourceNotFound', `No job ${name} in ${rg}.`);
  const state = body.state;
  if (typeof state !== 'string' || !(JOB_STATES as readonly string[]).includes(state)) throw new ArmError(400, 'InvalidState', `state must be one of ${JOB_STATES.join(', ')}.`);
  job.properties.state = state;
  const driveFor: Record<string, string> = { Received: 'Received', Transferring: 'Transferring', Packaging: 'Completed', Completed: 'Completed', Closed: 'ShippedBack' };
  const driveStates = (body.driveStates ?? {}) as Record<string, string>;
  for (const drive of job.properties.driveList) {
    const next = driveStates[drive.driveId] ?? driveFor[state];
    if (next && (DRIVE_STATES as readonly string[]).includes(next)) drive.state = next;
    if (drive.state === 'Completed' || drive.state === 'CompletedMoreInfo') {
      drive.percentComplete = 100;
      drive.copyStatus = drive.state === 'Completed' ? 'Completed' : 'CompletedWithErrors';
    }
  }
  if (state === 'Completed' || state === 'Closed') job.properties.percentComplete = 100;
  ctx.store.put(job.id, JOBS, `/subscriptions/${job.internal.subscriptionId}/resourceGroups/${job.internal.resourceGroup}`, job);
  return job;
}
