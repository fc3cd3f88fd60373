import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { SeedshipError } from '../../../shared/api/errors';
import { formatDecimalBytes } from '../../../shared/drives/format-bytes';
import { createAppServices } from '../../services/app-services';
import { defaultKeyProvider, SecretBox } from '../../services/secrets/secret-box';
import { openDatabase } from '../../services/store/database';
import { DocumentStore } from '../../services/store/document-store';
import { resolveDataDir } from '../../services/system/data-dir';
import { verifyVolume, type VerifyReport } from '../../services/volume/open-volume';
import { checkPrepareTarget } from '../../services/volume/prepare-target-check';
import { prepareVolume, type PrepareVolumeOptions, type PrepareVolumeResult, type VolumeProgress } from '../../services/volume/prepare-volume';
import { RecoveryPasswordVault } from '../../services/volume/recovery-password-vault';
import { LABEL_PATTERN, prepareVolumeWindows, verifyVolumeWindows } from '../../services/volume/windows-bitlocker';
import { appVersion, WORKER_DIR } from '../app-root';
import { UsageError } from '../cli-errors';
import { formatDuration } from '../progress-line';

export const VOLUME_HELP = `Usage: seedship volume prepare --device PATH --source DIR [--xts-256] [--sector-size 512|4096]
                              [--label L] [--yes] [--data-dir DIR]
       seedship volume verify --device PATH --recovery-password RP|- [--against DIR] [--data-dir DIR]

prepare  erases the drive (a block device or an image file; on Windows a drive letter or
         \\\\.\\PhysicalDriveN), formats it NTFS, copies the source folder onto it and encrypts it
         with BitLocker (XTS-AES-128, or XTS-AES-256 with --xts-256; used space only), then prints
         the drive's recovery password once. The password is also kept, encrypted, in the data folder.
verify   opens a prepared drive with its recovery password and checks the BitLocker metadata, the
         NTFS and, with --against, that every file equals the source. Exit code 1 on any mismatch.

  --sector-size        512 or 4096 (default: the device's logical sector size)
  --label              volume label: up to 32 letters, digits, spaces, "_", "." or "-" (default Seedship)
  --yes                don't ask before erasing (required when not run from a terminal)
  --recovery-password  the 48-digit password, or - to read it from standard input (keeps it out of
                       the shell's history)`;

export async function volumeCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action === 'prepare') return prepareCommand(rest);
  if (action === 'verify') return verifyCommand(rest);
  throw new UsageError(action ? `unknown action "${action}": use prepare or verify.` : 'say what to do: prepare or verify.');
}

async function prepareCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      device: { type: 'string' },
      source: { type: 'string' },
      'xts-256': { type: 'boolean', default: false },
      'sector-size': { type: 'string' },
      label: { type: 'string' },
      yes: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  if (!values.device) throw new UsageError('give the drive to prepare with --device PATH.');
  if (!values.source) throw new UsageError('give the folder to copy onto the drive with --source DIR.');
  const source = resolve(values.source);
  const sourceInfo = await stat(source).catch(() => null);
  if (!sourceInfo?.isDirectory()) throw new UsageError(`--source: ${source} is not a folder.`);
  let sectorSize: 512 | 4096 | undefined;
  if (values['sector-size'] !== undefined) {
    if (values['sector-size'] !== '512' && values['sector-size'] !== '4096') throw new UsageError(`--sector-size must be 512 or 4096, not "${values['sector-size']}".`);
    sectorSize = Number(values['sector-size']) as 512 | 4096;
  }
  const label = values.label ?? 'Seedship';
  if (!LABEL_PATTERN.test(label)) throw new UsageError('--label may have up to 32 letters, digits, spaces, "_", "." or "-".');

  const dataDir = resolveDataDir(values['data-dir']);
  const app = createAppServices({ dataDir, transport: 'cli', version: appVersion() });
  try {
    const settings = await app.services.settings.get({});
    const target = await checkPrepareTarget(values.device, { dataDir, source, stagingPath: settings.stagingPath });
    for (const warning of target.warnings) process.stderr.write(`${warning.severity}: ${target.device}: ${warning.message}\n`);
    if (!values.yes) await confirmErase(target.device);

    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const printer = volumeProgressPrinter(process.stderr, PREPARE_WORDS);
    const options: PrepareVolumeOptions = { device: target.device, source, xts256: values['xts-256'], label, signal: controller.signal, onProgress: printer.update, workerDir: WORKER_DIR, ...(sectorSize ? { sectorSize } : {}) };
    app.audit.record('volume.prepare.started', target.device, { source, label, method: values['xts-256'] ? 'XtsAes256' : 'XtsAes128', sectorSize: sectorSize ?? 'device' });
    let result: PrepareVolumeResult;
    try {
      result = await (process.platform === 'win32' ? prepareVolumeWindows : prepareVolume)(options);
    } catch (error) {
      const cancelled = controller.signal.aborted;
      app.audit.record(cancelled ? 'volume.prepare.cancelled' : 'volume.prepare.failed', target.device, { reason: (error as Error).message });
      if (!cancelled) throw error;
      // Whichever step was interrupted (format, copy or encryption), the drive is not usable as it is.
      const detail = error instanceof SeedshipError && error.code === 'CANCELLED' ? ` ${error.message}` : '';
      process.stderr.write(`seedship volume: cancelled; ${target.device} is not a usable drive until it is prepared again.${detail}\n`);
      return 130;
    } finally {
      printer.done();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    keepRecoveryPassword(dataDir, { protectorId: result.protectorId, label, device: target.device, recoveryPassword: result.recoveryPassword });
    const summary = { method: result.method, sectorSize: result.sectorSize, protectorId: result.protectorId, label, files: result.files, fileBytes: result.fileBytes, volumeBytes: result.volumeBytes, encryptedBytes: result.encryptedBytes };
    app.audit.record('volume.prepare.finished', target.device, summary);
    app.logger.info(`Prepared ${target.device} with BitLocker`, summary);
    const method = result.method === 'XtsAes256' ? 'XTS-AES-256' : 'XTS-AES-128';
    process.stdout.write(
      `Prepared ${target.device}: NTFS "${label}", BitLocker ${method}, ${result.sectorSize}-byte sectors, ` +
        `${result.files} files (${formatDecimalBytes(result.fileBytes)}), ${formatDecimalBytes(result.encryptedBytes)} encrypted.\n` +
        `Recovery key ID: ${result.protectorId}\n\n` +
        'BitLocker recovery password (shown this once; Import/Export needs it for this drive; a copy is kept encrypted in Seedship\'s data folder):\n' +
        `    ${result.recoveryPassword}\n`,
    );
    return 0;
  } finally {
    await app.close();
  }
}

async function verifyCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      device: { type: 'string' },
      'recovery-password': { type: 'string' },
      against: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  if (!values.device) throw new UsageError('give the drive to verify with --device PATH.');
  if (values['recovery-password'] === undefined) throw new UsageError('give --recovery-password RP (or - to read it from standard input).');
  const recoveryPassword = values['recovery-password'] === '-' ? readPasswordFromStdin() : values['recovery-password'].trim();
  // The value is never repeated back: a near miss is still most of a secret.
  if (!/^\d{6}(-\d{6}){7}$/.test(recoveryPassword)) throw new UsageError('--recovery-password must be 8 groups of 6 digits separated by "-".');
  const against = values.against !== undefined ? resolve(values.against) : undefined;
  if (against !== undefined && !(await stat(against).catch(() => null))?.isDirectory()) throw new UsageError(`--against: ${against} is not a folder.`);
  const device = process.platform === 'win32' ? values.device : resolve(values.device);

  const app = createAppServices({ dataDir: resolveDataDir(values['data-dir']), transport: 'cli', version: appVersion() });
  try {
    const printer = volumeProgressPrinter(process.stderr, VERIFY_WORDS);
    let report: VerifyReport;
    try {
      const verify = process.platform === 'win32' ? verifyVolumeWindows : verifyVolume;
      report = await verify({ device, recoveryPassword, onProgress: printer.update, ...(against !== undefined ? { against } : {}) });
    } finally {
      printer.done();
    }
    app.audit.record('volume.verify', device, { ok: report.ok, method: report.method, files: report.files, mismatches: report.mismatches.length, against: against ?? null });
    const lines = [
      `Method: ${report.method}`,
      `Sector size: ${report.sectorSize} bytes`,
      `Files: ${report.files} (${formatDecimalBytes(report.bytes)})`,
      ...report.mismatches.map((m) => `MISMATCH ${m.path}: ${m.reason}`),
      report.ok ? (against ? `OK: every file equals ${against}.` : 'OK') : `${report.mismatches.length} mismatch${report.mismatches.length === 1 ? '' : 'es'}.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await app.close();
  }
}

/** On a terminal the operator types the device path; elsewhere --yes is required. */
async function confirmErase(device: string): Promise<void> {
  if (!process.stdin.isTTY) throw new UsageError(`refusing to erase ${device} without --yes: not running in a terminal, so there is no one to ask.`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Everything on ${device} will be erased. Type the device path to confirm: `);
    if (answer.trim() !== device) throw new UsageError(`not confirmed (expected "${device}"): nothing was written.`);
  } finally {
    rl.close();
  }
}

function readPasswordFromStdin(): string {
  const text = readFileSync(0, 'utf8');
  return text.split(/\r?\n/).map((line) => line.trim()).find((line) => line.length > 0) ?? '';
}

/** Sealed in the data folder (SecretBox), next to what the app keeps; never in a log or the audit trail. */
function keepRecoveryPassword(dataDir: string, entry: { protectorId: string; label: string; device: string; recoveryPassword: string }): void {
  const db = openDatabase(dataDir);
  try {
    new RecoveryPasswordVault(new DocumentStore(db), new SecretBox(defaultKeyProvider(dataDir))).save(entry);
  } finally {
    db.close();
  }
}

type PhaseWords = Record<VolumeProgress['phase'], string>;
const PREPARE_WORDS: PhaseWords = { format: 'formatting', copy: 'copying', encrypt: 'encrypting', finish: 'finishing' };
/** verifyVolume reports decrypting the volume as 'encrypt' and comparing the files as 'finish'. */
const VERIFY_WORDS: PhaseWords = { format: 'opening', copy: 'reading', encrypt: 'decrypting', finish: 'comparing files' };

/** "encrypting · 1.2 GB of 4.1 GB · 612 MB/s · ETA 0:05": in place on a terminal, every few seconds elsewhere. */
function volumeProgressPrinter(stream: NodeJS.WriteStream, words: PhaseWords): { update: (p: VolumeProgress) => void; done: () => void } {
  let phase: VolumeProgress['phase'] | null = null;
  let phaseStarted = 0;
  let last = stream.isTTY ? 0 : Date.now();
  let shown = false;
  return {
    update: (p) => {
      const now = Date.now();
      if (p.phase !== phase) {
        phase = p.phase;
        phaseStarted = now;
      }
      if (now - last < (stream.isTTY ? 100 : 2000)) return;
      last = now;
      const elapsed = (now - phaseStarted) / 1000;
      const rate = elapsed > 0 ? p.doneBytes / elapsed : 0;
      const eta = rate > 0 && p.totalBytes > p.doneBytes ? ` · ETA ${formatDuration((p.totalBytes - p.doneBytes) / rate)}` : '';
      // Format and finish are steps (0 of 1), not byte counts.
      const line = p.totalBytes <= 1 ? `${words[p.phase]}…` : `${words[p.phase]} · ${formatDecimalBytes(p.doneBytes)} of ${formatDecimalBytes(p.totalBytes)} · ${formatDecimalBytes(rate)}/s${eta}`;
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${line.slice(0, Math.max(20, (stream.columns ?? 100) - 1))}`);
        shown = true;
      } else {
        stream.write(`${line}\n`);
      }
    },
    done: () => {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
