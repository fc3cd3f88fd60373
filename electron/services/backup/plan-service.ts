import { randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { AzureCheck, Estimate, FieldProblem } from '../../../shared/api/contract';
import { SeedshipError } from '../../../shared/api/errors';
import { containerNameProblem, importJobNameProblem, stagingLocationProblem, storageAccountNameProblem, subscriptionIdProblem } from '../../../shared/azure/naming-rules';
import { exclusionProblem, type ExclusionRules } from '../../../shared/backup/exclusions';
import { passphraseProblem } from '../../../shared/backup/passphrase-policy';
import { EMPTY_PLAN, PlanSchema, type OfflineDetails, type Plan } from '../../../shared/backup/plan';
import { formatDecimalBytes } from '../../../shared/drives/format-bytes';
import type { AzureService } from '../azure/azure-service';
import type { SecretBox } from '../secrets/secret-box';
import type { AuditLog } from '../store/audit-log';
import type { DocumentStore } from '../store/document-store';
import { estimateSources } from './source-estimate';

const PLAN_KEY = 'backup.plan';
const PASSPHRASE_KEY = 'backup.passphrase';
const ESTIMATE_KEY = 'backup.estimate';
const PASSPHRASE_PURPOSE = 'seedship backup passphrase v1';
/** The resource provider the offline-backup workflow needs (REFERENCE, operator's flow step 2). */
export const DATABOX_PROVIDER = 'Microsoft.DataBox';

export type PlanPatch = Partial<Omit<Plan, 'updatedAt' | 'passphraseSet' | 'azure'>>;

export interface PlanServiceOptions {
  documents: DocumentStore;
  box: SecretBox;
  audit: AuditLog;
  azure: AzureService;
  /** Never backed up, never a staging location: the app's own data folder. */
  dataDir: string;
  onChange(plan: Plan): void;
}

/**
 * The wizard's side of the backup: the plan saved as the operator goes, the passphrase (sealed
 * here, a copy written where the operator chose), and the checks of staging and of Azure.
 */
export class PlanService {
  constructor(private readonly options: PlanServiceOptions) {}

  get(): Plan {
    const parsed = PlanSchema.safeParse(this.options.documents.read(PLAN_KEY));
    const plan = parsed.success ? parsed.data : EMPTY_PLAN;
    return { ...plan, passphraseSet: this.options.documents.read(PASSPHRASE_KEY) !== null };
  }

  save(patch: PlanPatch): Plan {
    if (patch.sources) {
      patch.sources.forEach((source) => {
        if (!isAbsolute(source)) throw new SeedshipError('VALIDATION', `"${source}" is not a full path: give folders like /home/operator/documents.`, 'sources');
      });
    }
    if (patch.exclusions) checkExclusions(patch.exclusions);
    return this.store({ ...this.get(), ...patch });
  }

  reset(): Plan {
    this.options.documents.remove(PASSPHRASE_KEY);
    this.options.documents.remove(ESTIMATE_KEY);
    return this.store(EMPTY_PLAN);
  }

  async estimate(sources: string[], exclusions: ExclusionRules): Promise<Estimate> {
    checkExclusions(exclusions);
    const bad = sources.find((s) => !isAbsolute(s));
    if (bad) throw new SeedshipError('VALIDATION', `"${bad}" is not a full path.`, 'sources');
    const plan = this.get();
    const estimate = await estimateSources(sources, exclusions, this.skipped(plan.offline?.stagingPath));
    this.options.documents.write(ESTIMATE_KEY, estimate);
    return estimate;
  }

  /** 30 characters from an alphabet without look-alikes, in groups of five: about 150 bits. */
  generatePassphrase(): string {
    const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
    const groups = Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => alphabet[randomInt(alphabet.length)]).join(''));
    return groups.join('-');
  }

  async setPassphrase(passphrase: string, confirmation: string, saveTo: string): Promise<Plan> {
    const problem = passphraseProblem(passphrase);
    if (problem) throw new SeedshipError('VALIDATION', problem, 'passphrase');
    if (confirmation !== passphrase) throw new SeedshipError('VALIDATION', 'The confirmation does not match the passphrase.', 'confirmation');
    if (!isAbsolute(saveTo)) throw new SeedshipError('VALIDATION', 'Give the full path of the file to save the passphrase in.', 'saveTo');
    const plan = this.get();
    if (plan.sources.some((s) => inside(saveTo, s))) {
      throw new SeedshipError('VALIDATION', 'Save the passphrase outside the folders being backed up: a backup can’t hold its own key.', 'saveTo');
    }
    const folder = await stat(dirname(saveTo)).catch(() => null);
    if (!folder?.isDirectory()) throw new SeedshipError('VALIDATION', `The folder ${dirname(saveTo)} does not exist.`, 'saveTo');
    try {
      // wx: an existing file (perhaps an older passphrase) is never overwritten.
      await writeFile(saveTo, `Seedship backup passphrase (keep it away from this computer; without it nobody can restore):\n${passphrase}\n`, { flag: 'wx', mode: 0o600 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new SeedshipError('VALIDATION', code === 'EEXIST' ? `${saveTo} already exists: choose a new file name.` : `The passphrase can’t be saved to ${saveTo}: ${(error as Error).message}`, 'saveTo');
    }
    this.options.documents.write(PASSPHRASE_KEY, this.options.box.seal(Buffer.from(passphrase, 'utf8'), PASSPHRASE_PURPOSE).toString('base64'));
    this.options.audit.record('backup.passphraseSet', saveTo, {});
    return this.store({ ...plan, passphraseSavedTo: saveTo });
  }

  /** The saved passphrase, or null; it never leaves the main side except into the backup engine. */
  passphrase(): string | null {
    const sealed = this.options.documents.read(PASSPHRASE_KEY);
    if (typeof sealed !== 'string') return null;
    return this.options.box.open(Buffer.from(sealed, 'base64'), PASSPHRASE_PURPOSE).toString('utf8');
  }

  async checkStaging(stagingPath: string): Promise<{ problems: FieldProblem[]; freeBytes: number | null }> {
    const problems: FieldProblem[] = [];
    const add = (message: string) => problems.push({ field: 'stagingPath', message });
    const rule = stagingLocationProblem(stagingPath);
    if (rule) return { problems: [{ field: 'stagingPath', message: rule }], freeBytes: null };
    if (stagingPath.startsWith('\\\\') && process.platform !== 'win32') {
      add('On this computer a network share is reached through its mount point (like /mnt/staging): give that path.');
      return { problems, freeBytes: null };
    }
    const path = resolve(stagingPath);
    const plan = this.get();
    for (const source of plan.sources) {
      if (inside(path, source)) add(`The staging location is inside ${source}, which is being backed up: the backup would copy itself.`);
      else if (inside(source, path)) add(`${source} is inside the staging location: choose a staging folder apart from what is backed up.`);
    }
    if (inside(path, this.options.dataDir) || inside(this.options.dataDir, path)) add('The staging location overlaps Seedship’s own data folder.');
    const existing = await nearestExisting(path);
    if (!existing) {
      add('Neither the staging folder nor any folder above it exists.');
      return { problems, freeBytes: null };
    }
    if (!(await stat(existing)).isDirectory()) {
      add(`${existing} is a file, not a folder.`);
      return { problems, freeBytes: null };
    }
    if (!(await canWrite(existing))) add(`Seedship can’t write in ${existing}: check its permissions.`);
    const fs = await statfs(existing);
    const freeBytes = fs.bavail * fs.bsize;
    const estimate = this.options.documents.read(ESTIMATE_KEY) as Estimate | null;
    if (estimate && estimate.stagingBytesNeeded > freeBytes) {
      add(`The staging location has ${formatDecimalBytes(freeBytes)} free; the backup needs up to ${formatDecimalBytes(estimate.stagingBytesNeeded)}.`);
    }
    return { problems, freeBytes };
  }

  /** Checks the offline details against Azure as the signed-in operator; each finding says what to do. */
  async checkAzure(details: OfflineDetails): Promise<AzureCheck[]> {
    validateOffline(details);
    const gateway = await this.options.azure.gateway(details.subscriptionId);
    const checks: AzureCheck[] = [];
    let accounts;
    try {
      accounts = await gateway.storageAccounts.list();
      checks.push({ id: 'subscription', status: 'ok', message: `Subscription ${details.subscriptionId} is reachable.`, fix: null });
    } catch (error) {
      checks.push({ id: 'subscription', status: 'blocked', message: (error as Error).message, fix: null });
      return checks;
    }
    const account = accounts.find((a) => a.name === details.storageAccount);
    if (!account) {
      checks.push({ id: 'storageAccount', status: 'blocked', message: `There is no storage account "${details.storageAccount}" in this subscription. Create it (general purpose v2) in the Azure portal, or correct the name.`, fix: null });
      return checks;
    }
    if (!account.generalPurpose) {
      checks.push({ id: 'storageAccount', status: 'blocked', message: `"${account.name}" is a ${account.kind} account: the Import/Export service needs a general purpose v1 or v2 account. Choose another account.`, fix: null });
      return checks;
    }
    checks.push({ id: 'storageAccount', status: 'ok', message: `"${account.name}" is general purpose (${account.kind}) in ${account.location}, resource group ${account.resourceGroup}.`, fix: null });
    const containerExists = await gateway.storageAccounts.containerExists(account.resourceGroup, account.name, details.container);
    checks.push(
      containerExists
        ? { id: 'container', status: 'ok', message: `Container "${details.container}" exists.`, fix: null }
        : { id: 'container', status: 'fixable', message: `Container "${details.container}" doesn’t exist yet.`, fix: 'Seedship creates it when you continue.' },
    );
    const taken = await gateway.importJobs.exists(account.resourceGroup, details.jobName);
    checks.push(
      taken
        ? { id: 'jobName', status: 'blocked', message: `An import job named "${details.jobName}" already exists in ${account.resourceGroup}: choose another name.`, fix: null }
        : { id: 'jobName', status: 'ok', message: `The import job name "${details.jobName}" is free.`, fix: null },
    );
    const state = await gateway.providers.state(DATABOX_PROVIDER);
    checks.push(
      state === 'Registered'
        ? { id: 'provider', status: 'ok', message: `${DATABOX_PROVIDER} is registered.`, fix: null }
        : { id: 'provider', status: 'fixable', message: `${DATABOX_PROVIDER} is ${state} in this subscription; offline backup needs it Registered.`, fix: `Register ${DATABOX_PROVIDER}` },
    );
    const azure = this.get().azure;
    checks.push(
      azure?.entraAppId && azure.storageAccountId === account.id
        ? { id: 'entraApp', status: 'ok', message: `The Microsoft Entra application ${azure.entraAppId} has access to "${account.name}".`, fix: null }
        : { id: 'entraApp', status: 'fixable', message: 'Azure Backup needs a Microsoft Entra application with access to this storage account.', fix: 'Seedship creates it when you continue.' },
    );
    return checks;
  }

  async registerProvider(subscriptionId: string): Promise<string> {
    const problem = subscriptionIdProblem(subscriptionId);
    if (problem) throw new SeedshipError('VALIDATION', problem, 'subscriptionId');
    const gateway = await this.options.azure.gateway(subscriptionId);
    let state = await gateway.providers.register(DATABOX_PROVIDER);
    // Registration is asynchronous in Azure: poll briefly so the wizard can show the outcome.
    for (let i = 0; i < 20 && state === 'Registering'; i += 1) {
      await new Promise((r) => setTimeout(r, 1500));
      state = await gateway.providers.state(DATABOX_PROVIDER);
    }
    this.options.audit.record('azure.registerProvider', DATABOX_PROVIDER, { subscriptionId, state });
    return state;
  }

  /** Creates the container when missing and the Entra application with access to the account; records both. */
  async prepareAzure(details: OfflineDetails): Promise<Plan> {
    const checks = await this.checkAzure(details);
    const blocked = checks.find((c) => c.status === 'blocked');
    if (blocked) throw new SeedshipError('CONFLICT', blocked.message, blocked.id);
    const provider = checks.find((c) => c.id === 'provider');
    if (provider?.status !== 'ok') throw new SeedshipError('CONFLICT', `Register ${DATABOX_PROVIDER} first.`, 'provider');
    const gateway = await this.options.azure.gateway(details.subscriptionId);
    const account = await gateway.storageAccounts.find(details.storageAccount);
    let containerCreated = false;
    if (!(await gateway.storageAccounts.containerExists(account.resourceGroup, account.name, details.container))) {
      await gateway.storageAccounts.createContainer(account.resourceGroup, account.name, details.container);
      containerCreated = true;
    }
    const existing = this.get().azure;
    let entraAppId = existing?.storageAccountId === account.id ? existing.entraAppId : null;
    if (!entraAppId) {
      const app = await gateway.entraApps.createApplication(`Seedship offline backup ${details.jobName}`);
      await gateway.entraApps.grantBlobAccess(account.id, app.servicePrincipalId);
      entraAppId = app.appId;
      this.options.audit.record('azure.entraAppCreated', app.appId, { storageAccount: account.name });
    }
    const plan = this.get();
    return this.store({
      ...plan,
      offline: details,
      azure: { resourceGroup: account.resourceGroup, location: account.location, storageAccountId: account.id, containerCreated, entraAppId, checkedAt: new Date().toISOString() },
    });
  }

  /** Paths a backup must skip even inside a source. */
  skipped(stagingPath: string | undefined): string[] {
    return [this.options.dataDir, ...(stagingPath ? [resolve(stagingPath)] : [])];
  }

  private store(plan: Plan): Plan {
    const next = PlanSchema.parse({ ...plan, updatedAt: new Date().toISOString() });
    this.options.documents.write(PLAN_KEY, next);
    const shown = this.get();
    this.options.onChange(shown);
    return shown;
  }
}

/** Refuses offline details that Azure would refuse, naming the field. */
export function validateOffline(details: OfflineDetails): void {
  const rules: [keyof OfflineDetails, string | null][] = [
    ['stagingPath', stagingLocationProblem(details.stagingPath)],
    ['storageAccount', storageAccountNameProblem(details.storageAccount)],
    ['container', containerNameProblem(details.container)],
    ['subscriptionId', subscriptionIdProblem(details.subscriptionId)],
    ['jobName', importJobNameProblem(details.jobName)],
  ];
  for (const [field, problem] of rules) if (problem) throw new SeedshipError('VALIDATION', problem, field);
}

function checkExclusions(rules: ExclusionRules): void {
  for (const pattern of rules.patterns) {
    const problem = exclusionProblem('pattern', pattern);
    if (problem) throw new SeedshipError('VALIDATION', problem, 'exclusions.patterns');
  }
  for (const type of rules.fileTypes) {
    const problem = exclusionProblem('fileType', type);
    if (problem) throw new SeedshipError('VALIDATION', problem, 'exclusions.fileTypes');
  }
}

/** Whether `path` is `folder` or below it. */
export function inside(path: string, folder: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

async function nearestExisting(path: string): Promise<string | null> {
  for (let current = path; ; current = dirname(current)) {
    if (existsSync(current)) return current;
    if (dirname(current) === current) return null;
  }
}

async function canWrite(dir: string): Promise<boolean> {
  const probe = join(dir, `.seedship-write-test-${randomBytes(4).toString('hex')}`);
  try {
    const handle = await open(probe, 'wx', 0o600);
    await handle.close();
    await rm(probe, { force: true });
    return true;
  } catch {
    return false;
  }
}
