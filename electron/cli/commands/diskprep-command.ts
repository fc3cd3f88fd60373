import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SeedshipError } from '../../../shared/api/errors';
import { MAX_DRIVES_PER_JOB, type ImportJobResult } from '../../../shared/diskprep/diskprep-api';
import { ShippingDetailsSchema, type ShippingDetails } from '../../../shared/diskprep/shipping-details';
import { formatDecimalBytes } from '../../../shared/drives/format-bytes';
import { createAppServices, type AppServices } from '../../services/app-services';
import { resolveDataDir } from '../../services/system/data-dir';
import { appVersion, LOCAL_CLOUD_ENTRY, WORKER_DIR } from '../app-root';
import { UsageError } from '../cli-errors';
import { createDirectClient } from '../direct-transport';
import { formatDuration } from '../progress-line';

export const DISKPREP_HELP = `Usage: seedship diskprep s:<staging> | --staging DIR  [--job NAME] --drive PATH [--drive PATH...]
                         [--yes-format] [--contact-file FILE] [--xts-256] [--data-dir DIR]
       seedship diskprep --show-key --job NAME --drive-serial SERIAL --yes [--data-dir DIR]
       seedship diskprep --export FILE --job NAME [--data-dir DIR]

Prepares import drives from a staging folder: each drive is erased, formatted NTFS, given the
staging files that fit (whole files; the next drive continues), DriveManifest.xml, BitLocker
(XTS-AES-128 unless --xts-256), and read back to check every block. At most ${MAX_DRIVES_PER_JOB} drives per job.
Re-running after a crash resumes from the journal in the data folder without copying finished files.

  --job           the import job (needed when staging holds several)
  --drive         a drive to prepare, in order (repeatable); rehearsal drives are loop devices
  --yes-format    don't ask to type each drive's name before erasing it (needed without a terminal)
  --contact-file  JSON shipping details (contactName, phone, email, streetAddress1, city,
                  stateOrProvince, postalCode, countryOrRegion, returnCarrier {name, accountNumber});
                  with it the import job is created once every file is on a drive
  --show-key      print one prepared drive's recovery password (with --drive-serial and --yes)
  --export        write the shipping record (drives, serials, manifest hashes; no secrets) as JSON`;

export async function diskprepCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      staging: { type: 'string' },
      job: { type: 'string' },
      drive: { type: 'string', multiple: true },
      'yes-format': { type: 'boolean', default: false },
      'contact-file': { type: 'string' },
      'xts-256': { type: 'boolean', default: false },
      'show-key': { type: 'boolean', default: false },
      'drive-serial': { type: 'string' },
      yes: { type: 'boolean', default: false },
      export: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  const app = createAppServices({ dataDir: resolveDataDir(values['data-dir']), transport: 'cli', version: appVersion(), localCloudEntry: LOCAL_CLOUD_ENTRY, workerDir: WORKER_DIR });
  try {
    if (values['show-key']) return await showKey(app, values.job, values['drive-serial'], values.yes);
    if (values.export !== undefined) {
      if (!values.job) throw new UsageError('give the --job to export.');
      const record = await app.diskprep.exportRecord(values.job, values.export);
      process.stdout.write(`Shipping record of ${values.job} (${record.drives.length} drives) written to ${resolve(values.export)}.\n`);
      return 0;
    }
    const fromPositional = positionals.find((p) => /^s:/i.test(p))?.slice(2);
    const staging = values.staging ?? fromPositional;
    if (!staging) throw new UsageError('give the staging folder: s:<path> or --staging DIR.');
    const extra = positionals.filter((p) => !/^s:/i.test(p));
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0] ?? ''}".`);
    return await prepare(app, { ...values, staging: resolve(staging), drives: values.drive ?? [] });
  } finally {
    await app.close();
  }
}

async function showKey(app: AppServices, job: string | undefined, serial: string | undefined, yes: boolean): Promise<number> {
  if (!job || !serial) throw new UsageError('--show-key needs --job and --drive-serial.');
  if (!yes) throw new UsageError('--show-key prints a secret: add --yes to confirm.');
  const api = createDirectClient(app);
  const key = await api.diskprep.revealKey({ jobName: job, serial, confirm: true });
  process.stdout.write(`${key.recoveryPassword}\n`);
  process.stderr.write(`Recovery password of drive ${key.serial} (protector ${key.protectorId}). Keep it secret.\n`);
  return 0;
}

interface PrepareArgs {
  staging: string;
  job?: string | undefined;
  drives: string[];
  'yes-format': boolean;
  'contact-file'?: string | undefined;
  'xts-256': boolean;
}

async function prepare(app: AppServices, args: PrepareArgs): Promise<number> {
  const api = createDirectClient(app);
  // Everything that can be refused is checked before the first drive is touched.
  const shipping = args['contact-file'] ? await readShipping(args['contact-file']) : null;
  const staged = await api.diskprep.jobs({ stagingPath: args.staging });
  const jobName = args.job ?? (staged.jobs.length === 1 ? staged.jobs[0]?.jobName : undefined);
  if (!jobName) throw new UsageError(`staging holds several import jobs (${staged.jobs.map((j) => j.jobName).join(', ')}): pick one with --job.`);
  if (!staged.jobs.some((j) => j.jobName === jobName)) throw new SeedshipError('NOT_FOUND', `Staging ${args.staging} has no import job ${jobName} (it has: ${staged.jobs.map((j) => j.jobName).join(', ') || 'none'}).`, 'jobName');
  if (staged.unreadable.length > 0) throw new SeedshipError('VALIDATION', `The copy computer can't use ${staged.unreadable[0]?.path ?? ''}: ${staged.unreadable[0]?.reason ?? ''}.`, 'stagingPath');
  const drives = args.drives.map((d) => resolve(d));
  if (drives.length === 0 && !shipping) throw new UsageError('give at least one --drive.');
  const plan = await api.diskprep.plan({ stagingPath: args.staging, jobName, devices: drives });
  if (plan.tooLarge.length > 0) {
    const f = plan.tooLarge[0] as { path: string; bytes: number };
    throw new SeedshipError('VALIDATION', `${f.path} (${formatDecimalBytes(f.bytes)}) is larger than any given drive can hold; files are never split across drives.`, 'drive');
  }
  if (!args['yes-format'] && drives.length > 0 && !process.stdin.isTTY) throw new UsageError('not at a terminal: add --yes-format to erase the drives without typing their names.');

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts === 1) process.stderr.write('\nCancelling… (Ctrl-C again to quit at once; the journal lets the next run resume)\n');
    else process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const overallTotal = plan.drives.reduce((n, d) => n + d.bytes, 0) * 3;
    let overallBefore = 0;
    for (const [i, device] of drives.entries()) {
      if (!args['yes-format']) await confirmErase(device);
      const started = Date.now();
      let lastPrint = 0;
      const drive = await app.diskprep.prepare({
        stagingPath: args.staging,
        jobName,
        device,
        xts256: args['xts-256'],
        signal: controller.signal,
        onNote: (note) => process.stderr.write(`${device}: ${note}\n`),
        onProgress: (p) => {
          const now = Date.now();
          if (now - lastPrint < (process.stderr.isTTY ? 200 : 2000) && p.phase !== 'done') return;
          lastPrint = now;
          const rate = p.doneBytes / Math.max(0.001, (now - started) / 1000);
          const eta = rate > 0 ? formatDuration((p.totalBytes - p.doneBytes) / rate) : '—';
          const overall = overallTotal > 0 ? Math.min(100, ((overallBefore + p.doneBytes) / overallTotal) * 100) : 0;
          const line = `drive ${i + 1}/${drives.length} ${p.phase} ${formatDecimalBytes(p.doneBytes / 3)} of ${formatDecimalBytes(p.totalBytes / 3)} · ${formatDecimalBytes(rate)}/s · ETA ${eta} · overall ${overall.toFixed(0)}%`;
          process.stderr.write(process.stderr.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
        },
      });
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
      overallBefore += drive.bytes * 3;
      const seconds = (Date.now() - started) / 1000;
      process.stdout.write(`Drive ${drive.index} ${drive.serial} (${device}): ${drive.files} files, ${formatDecimalBytes(drive.bytes)} in ${seconds.toFixed(1)} s, verified. Manifest MD5 ${drive.manifestHash}.\n`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const after = await api.diskprep.plan({ stagingPath: args.staging, jobName, devices: [] });
  const prepared = await api.diskprep.preparedDrives({ jobName });
  const job = staged.jobs.find((j) => j.jobName === jobName);
  process.stdout.write(`\nJob ${jobName}: ${prepared.length} prepared drive(s); storage account ${job?.storageAccount ?? '—'}, resource group ${job?.resourceGroup ?? '—'}, region ${job?.location ?? '—'}.\n`);
  for (const d of prepared) process.stdout.write(`  ${d.index}. ${d.serial}  ${formatDecimalBytes(d.sizeBytes)}  ${d.files} files  ${formatDecimalBytes(d.bytes)}  manifest ${d.manifestHash}\n`);
  if (after.unplacedFiles > 0) {
    process.stdout.write(`${after.unplacedFiles} staging files (${formatDecimalBytes(after.unplacedBytes)}) still need a drive: run again with another --drive.\n`);
    return shipping ? 3 : 0;
  }
  if (!shipping) return 0;
  await ensureSignedIn(app);
  const result = await api.diskprep.createImportJob({ stagingPath: args.staging, jobName, shipping });
  printImportJob(result);
  return 0;
}

/** Reads and validates the contact file before anything is written; the message names the field. */
async function readShipping(path: string): Promise<ShippingDetails> {
  const text = await readFile(resolve(path), 'utf8').catch((error: Error) => {
    throw new SeedshipError('NOT_FOUND', `Can't read the contact file ${resolve(path)}: ${error.message}`, 'contactFile');
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new SeedshipError('VALIDATION', `The contact file ${resolve(path)} is not JSON.`, 'contactFile');
  }
  const parsed = ShippingDetailsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'contactFile';
    throw new SeedshipError('VALIDATION', `Contact file ${resolve(path)}: ${field}: ${issue?.message ?? 'invalid'}`, field);
  }
  return parsed.data;
}

async function ensureSignedIn(app: AppServices): Promise<void> {
  const api = createDirectClient(app);
  const status = await api.cloud.status({});
  if (status.account) return;
  api.on('auth.deviceCode', (prompt) => process.stderr.write(`${prompt.message}\n`));
  const account = await api.auth.signIn({ method: 'device-code' });
  process.stderr.write(`Signed in as ${account.username}.\n`);
}

function printImportJob(r: ImportJobResult): void {
  const a = r.datacenter.address;
  process.stdout.write(
    [
      '',
      `Import job ${r.jobName} created (${r.state}) in ${r.resourceGroup}, ${r.location}, with ${r.drives.length} drive(s): ${r.drives.map((d) => d.driveId).join(', ')}.`,
      'Ship the drives to:',
      `  ${a.recipientName}`,
      `  ${a.streetAddress1}${a.streetAddress2 ? `, ${a.streetAddress2}` : ''}`,
      `  ${a.city}, ${a.stateOrProvince} ${a.postalCode}`,
      `  ${a.countryOrRegion}   phone ${a.phone}`,
      `Supported carriers: ${r.datacenter.supportedCarriers.join(', ')}`,
      ...(r.datacenter.additionalShippingInformation ? [r.datacenter.additionalShippingInformation] : []),
      'Next:',
      ...r.nextSteps.map((s, i) => `  ${i + 1}. ${s}`),
      '',
    ].join('\n'),
  );
}

async function confirmErase(device: string): Promise<void> {
  if (!process.stdin.isTTY) throw new UsageError('not at a terminal: add --yes-format to erase the drives without typing their names.');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Everything on ${device} will be erased. Type ${device} to confirm: `);
    if (answer.trim() !== device) throw new SeedshipError('VALIDATION', `You typed "${answer.trim()}", not ${device}: nothing was written.`, 'confirmation');
  } finally {
    rl.close();
  }
}
