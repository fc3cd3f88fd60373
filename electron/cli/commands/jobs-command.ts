import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { SeedshipApi } from '../../../shared/api/client';
import { SeedshipError } from '../../../shared/api/errors';
import { ShippingDetailsSchema } from '../../../shared/diskprep/shipping-details';
import type { DriveLogs, JobDetail, JobRef, JobSummary } from '../../../shared/jobs/jobs-api';
import { createAppServices } from '../../services/app-services';
import { resolveDataDir } from '../../services/system/data-dir';
import { appVersion, LOCAL_CLOUD_ENTRY } from '../app-root';
import { UsageError } from '../cli-errors';
import { createDirectClient } from '../direct-transport';

export const JOBS_HELP = `Usage: seedship jobs <list|show|track|return-shipping|emails|logs|cancel|delete> [JOB] [options]

The import jobs of the signed-in operator (local cloud or Azure): state, drives, percent complete,
the two-week tracking deadline, and the changes their state still allows.

  seedship jobs list [--json] [--cached]          every job, checked now (--cached: as last seen)
  seedship jobs show JOB [--json]                 one job: drives and results explained, timeline
  seedship jobs track JOB --carrier C --tracking N [--ship-date YYYY-MM-DD] [--no-ship]
                                                  carrier and tracking number (unique across your
                                                  jobs); marks the job shipped unless --no-ship
  seedship jobs return-shipping JOB --contact-file F
                                                  return address and carrier (JSON as for diskprep)
  seedship jobs emails JOB [--email E...]         who Seedship tells of state changes (kept in the
                                                  app: the Import/Export API has no such field)
  seedship jobs logs JOB --drive SERIAL [--json]  a drive's copy logs, read into plain words
  seedship jobs cancel JOB --yes                  ask Azure to cancel (best effort, until Packaging)
  seedship jobs delete JOB --yes                  delete (only while Creating or once Completed)

  --resource-group RG, --subscription ID   pick the job when several share its name
  --data-dir DIR                           Seedship's data folder`;

const SUBCOMMANDS = ['list', 'show', 'track', 'return-shipping', 'emails', 'logs', 'cancel', 'delete'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

export async function jobsCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!SUBCOMMANDS.includes(sub as Subcommand)) throw new UsageError(sub ? `unknown jobs command "${sub}".` : `say which jobs command to run (${SUBCOMMANDS.join(', ')}).`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      cached: { type: 'boolean', default: false },
      job: { type: 'string' },
      'resource-group': { type: 'string' },
      subscription: { type: 'string' },
      carrier: { type: 'string' },
      tracking: { type: 'string' },
      'ship-date': { type: 'string' },
      'no-ship': { type: 'boolean', default: false },
      'contact-file': { type: 'string' },
      email: { type: 'string', multiple: true },
      drive: { type: 'string' },
      yes: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1] ?? ''}".`);
  const jobName = values.job ?? positionals[0];
  const app = createAppServices({ dataDir: resolveDataDir(values['data-dir']), transport: 'cli', version: appVersion(), localCloudEntry: LOCAL_CLOUD_ENTRY });
  try {
    const api = createDirectClient(app);
    const out = (text: string) => process.stdout.write(`${text}\n`);
    if (sub === 'list') {
      const list = await api.jobs.list({ cached: values.cached });
      if (values.json) out(JSON.stringify(list, null, 2));
      else {
        out(formatList(list.jobs));
        for (const problem of list.problems) process.stderr.write(`${problem}\n`);
      }
      return 0;
    }
    if (!jobName) throw new UsageError(`say which job: seedship jobs ${sub} JOB.`);
    const ref = await findJob(api, jobName, values['resource-group'], values.subscription);
    switch (sub as Exclude<Subcommand, 'list'>) {
      case 'show': {
        const detail = await api.jobs.show(ref);
        out(values.json ? JSON.stringify(detail, null, 2) : formatDetail(detail));
        return 0;
      }
      case 'track': {
        if (!values.carrier || !values.tracking) throw new UsageError('track needs --carrier and --tracking.');
        const detail = await api.jobs.track({ ...ref, carrierName: values.carrier, trackingNumber: values.tracking, ...(values['ship-date'] ? { shipDate: values['ship-date'] } : {}), markShipped: !values['no-ship'] });
        out(`Tracking number ${detail.trackingNumber ?? values.tracking} (${detail.carrierName ?? values.carrier}) set on ${detail.name}; the job is ${detail.state}.`);
        return 0;
      }
      case 'return-shipping': {
        if (!values['contact-file']) throw new UsageError('return-shipping needs --contact-file (JSON: contactName, phone, email, streetAddress1, city, stateOrProvince, postalCode, countryOrRegion, returnCarrier {name, accountNumber}).');
        const shipping = await readShipping(values['contact-file']);
        const detail = await api.jobs.returnShipping({ ...ref, shipping });
        out(`Return address and carrier of ${detail.name} updated (${detail.returnShipping?.carrierName ?? ''} ${detail.returnShipping?.carrierAccountNumber ?? ''}).`);
        return 0;
      }
      case 'emails': {
        const detail = values.email ? await api.jobs.notificationEmails({ ...ref, emails: values.email }) : await api.jobs.show(ref);
        out(detail.notificationEmails.length > 0 ? `Notification emails of ${detail.name}: ${detail.notificationEmails.join(', ')}` : `No notification emails for ${detail.name}.`);
        return 0;
      }
      case 'logs': {
        if (!values.drive) throw new UsageError('logs needs --drive SERIAL.');
        const logs = await api.jobs.driveLogs({ ...ref, driveId: values.drive });
        out(values.json ? JSON.stringify(logs, null, 2) : formatLogs(logs));
        return 0;
      }
      case 'cancel':
      case 'delete': {
        if (!values.yes) throw new UsageError(`${sub} changes the job in Azure: add --yes to confirm.`);
        if (sub === 'cancel') {
          const detail = await api.jobs.cancel(ref);
          out(`Cancellation of ${detail.name} requested; the job is ${detail.state}.`);
        } else {
          const summary = await api.jobs.delete(ref);
          out(`Import job ${summary.name} deleted. ${summary.deleted?.reason ?? ''}`.trim());
        }
        return 0;
      }
    }
  } finally {
    await app.close();
  }
}

/** The job of that name; with several (one per resource group or subscription), the options pick one. */
async function findJob(api: SeedshipApi, name: string, resourceGroup: string | undefined, subscription: string | undefined): Promise<JobRef> {
  const matches = (jobs: JobSummary[]) =>
    jobs.filter(
      (j) =>
        j.name.toLowerCase() === name.toLowerCase() &&
        (!resourceGroup || j.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()) &&
        (!subscription || j.subscriptionId.toLowerCase() === subscription.toLowerCase()),
    );
  let found = matches((await api.jobs.list({ cached: true })).jobs);
  if (found.length === 0) found = matches((await api.jobs.list({})).jobs);
  if (found.length === 0) throw new SeedshipError('NOT_FOUND', `No import job named ${name} in your subscriptions.`, 'jobName');
  if (found.length > 1) throw new UsageError(`several jobs are named ${name} (${found.map((j) => `${j.resourceGroup} in ${j.subscriptionId}`).join('; ')}): add --resource-group or --subscription.`);
  const job = found[0] as JobSummary;
  return { subscriptionId: job.subscriptionId, resourceGroup: job.resourceGroup, jobName: job.name };
}

async function readShipping(file: string) {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`can't read the contact file ${file}: ${(error as Error).message}`);
  }
  const parsed = ShippingDetailsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SeedshipError('VALIDATION', `${file}: ${issue?.message ?? 'invalid'}`, issue?.path.join('.'));
  }
  return parsed.data;
}

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');

function deadlineText(j: JobSummary): string {
  if (j.deleted) return j.deleted.reason;
  if (!j.deadline || j.deadline.level === 'met' || j.deadline.level === 'not-applicable') return '';
  const prefix = j.deadline.level === 'overdue' ? 'OVERDUE' : j.deadline.level === 'warning' ? `WARNING ${j.deadline.daysLeft} days left` : `${j.deadline.daysLeft} days left`;
  return `${prefix} to enter tracking (until ${day(j.deadline.deadline)})`;
}

function formatList(jobs: JobSummary[]): string {
  if (jobs.length === 0) return 'No import jobs.';
  const rows = [['JOB', 'STATE', 'DRIVES', 'DONE', 'CREATED', 'TRACKING', 'DEADLINE / NOTE']];
  for (const j of jobs) {
    rows.push([j.name, j.state, String(j.driveCount), j.percentComplete === null ? '—' : `${j.percentComplete}%`, day(j.createdAt), j.trackingNumber ? `${j.carrierName ?? ''} ${j.trackingNumber}` : '—', deadlineText(j)]);
  }
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

function formatDetail(d: JobDetail): string {
  const lines = [
    `${d.name}  (${d.resourceGroup}, subscription ${d.subscriptionId}${d.location ? `, ${d.location}` : ''})`,
    `State: ${d.state} — ${d.stateExplanation.title}. ${d.stateExplanation.meaning}`,
    `What to do: ${d.stateExplanation.action}`,
  ];
  if (d.deleted) lines.push(`Deleted ${day(d.deleted.at)}: ${d.deleted.reason}`);
  if (d.deadline && d.deadline.level !== 'not-applicable') lines.push(`Tracking deadline: ${d.deadline.message}`);
  lines.push(`Created ${day(d.createdAt)} · storage account ${d.storageAccount ?? '—'} · ${d.percentComplete ?? 0}% complete`);
  lines.push(`Package: ${d.trackingNumber ? `${d.carrierName ?? ''} ${d.trackingNumber}, shipped ${day(d.shipDate)}` : 'no tracking number yet'}`);
  if (d.returnShipping) lines.push(`Return: ${d.returnShipping.carrierName} account ${d.returnShipping.carrierAccountNumber}${d.returnAddress ? ` to ${d.returnAddress.recipientName}, ${d.returnAddress.city}` : ''}`);
  if (d.notificationEmails.length > 0) lines.push(`Notifications: ${d.notificationEmails.join(', ')}`);
  lines.push('', `Drives (${d.drives.length}):`);
  for (const drive of d.drives) {
    lines.push(`  ${drive.driveId}: ${drive.state} — ${drive.stateExplanation.meaning}${drive.percentComplete !== null ? ` (${drive.percentComplete}%)` : ''}`);
    if (drive.result) lines.push(`    Result ${drive.result.code}: ${drive.result.explanation.meaning}`, `    What to do: ${drive.result.explanation.action}`);
  }
  lines.push('', 'Allowed now:');
  for (const [action, allowance] of Object.entries(d.actions)) lines.push(`  ${action}: ${allowance.allowed ? 'yes' : `no — ${allowance.reason ?? ''}`}`);
  lines.push('', 'Timeline:');
  for (const t of d.timeline) lines.push(`  ${t.at.slice(0, 16).replace('T', ' ')}  ${t.text}`);
  for (const note of d.notes) lines.push(`Note: ${note}`);
  return lines.join('\n');
}

function formatLogs(l: DriveLogs): string {
  if (l.logs.length === 0) return l.problem ?? 'No logs.';
  const lines: string[] = [];
  for (const log of l.logs) {
    lines.push(`${log.kind} log ${log.blobName} (${log.sizeBytes} bytes${log.truncated ? ', truncated' : ''})`);
    if (log.status) lines.push(`  Drive result: ${log.status} — ${log.statusExplanation?.meaning ?? ''}`, `  What to do: ${log.statusExplanation?.action ?? ''}`);
    const counts = Object.entries(log.blobsByStatus).map(([s, n]) => `${n} ${s}`);
    if (counts.length > 0) lines.push(`  Files: ${counts.join(', ')}`);
    for (const p of log.problems) lines.push(`  ${p.status}: ${p.blobPath ?? p.filePath ?? 'drive'} — ${p.explanation}${p.details.length > 0 ? ` (${p.details.join('; ')})` : ''}`);
  }
  return lines.join('\n');
}
