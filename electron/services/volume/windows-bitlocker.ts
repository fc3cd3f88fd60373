import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { SeedshipError } from '../../../shared/api/errors';
import { redactSecrets } from '../../../shared/security/redact';
import { measureTree } from './ntfs/copy-tree';
import type { VerifyReport } from './open-volume';
import type { PrepareVolumeOptions, PrepareVolumeResult, VolumeProgress } from './prepare-volume';

/**
 * Windows prepares drives with its own BitLocker: Format-Volume, Enable-BitLocker (recovery
 * password protector, XTS-AES, used space only), then robocopy. The PowerShell scripts below are
 * constant text: every value reaches them as JSON on standard input, validated here first (zod)
 * and checked again inside. Nothing is ever spliced into the script, and secrets (the recovery
 * password to verify with) never appear on a command line, where any process could read them.
 */

/** A drive letter ("E", "E:", "E:\") or a whole disk (its number, or \\.\PhysicalDriveN). */
export type WindowsTarget = { driveLetter: string } | { diskNumber: number };

export function parseWindowsTarget(device: string): WindowsTarget {
  const letter = /^([A-Za-z]):?\\?$/.exec(device.trim());
  if (letter) return { driveLetter: (letter[1] as string).toUpperCase() };
  const disk = /^(?:\\\\\.\\PhysicalDrive)?(\d{1,3})$/i.exec(device.trim());
  if (disk) return { diskNumber: Number(disk[1]) };
  throw new SeedshipError('VALIDATION', `${device} is not a drive letter (E:) or a disk (\\\\.\\PhysicalDrive2, or 2).`, 'device');
}

const TargetSchema = z.union([
  z.object({ driveLetter: z.string().regex(/^[A-Z]$/) }).strict(),
  z.object({ diskNumber: z.number().int().min(0).max(999) }).strict(),
]);
/** NTFS allows 32 characters; Seedship allows a plain subset (the same rule as the Linux writer). */
export const LABEL_PATTERN = /^[\p{L}\p{N} _.-]{1,32}$/u;
/** An absolute local folder (C:\…); no quotes or control characters, no trailing backslash (robocopy reads "C:\x\" as C:\x"). */
const SourcePathSchema = z
  .string()
  .max(32_000)
  .regex(/^[A-Za-z]:\\/, 'must be an absolute path such as C:\\data')
  .refine((p) => ![...p].some((c) => c === '"' || c.charCodeAt(0) < 0x20), 'must not contain quotes or control characters')
  .transform((p) => (p.length > 3 ? p.replace(/\\+$/, '') : p));

export const PrepareParamsSchema = z
  .object({
    target: TargetSchema,
    label: z.string().regex(LABEL_PATTERN),
    method: z.enum(['XtsAes128', 'XtsAes256']),
    /** 0: whatever the disk has (Windows can't choose the sector size). */
    sectorSize: z.union([z.literal(0), z.literal(512), z.literal(4096)]),
    source: SourcePathSchema,
  })
  .strict();
export type PrepareParams = z.infer<typeof PrepareParamsSchema>;

export const VerifyParamsSchema = z
  .object({
    target: TargetSchema,
    recoveryPassword: z.string().regex(/^\d{6}(-\d{6}){7}$/),
  })
  .strict();
export type VerifyParams = z.infer<typeof VerifyParamsSchema>;

/** Shared opening: strict errors, the JSON parameters from stdin, one JSON event per stdout line. */
const PROLOGUE = String.raw`
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$p = [Console]::In.ReadToEnd() | ConvertFrom-Json
function Emit($record) { [Console]::Out.WriteLine(($record | ConvertTo-Json -Compress)) }
function Resolve-Letter($target, [switch]$Create) {
  if ($null -ne $target.driveLetter) {
    if (-not ([string]$target.driveLetter -cmatch '^[A-Z]$')) { throw 'Invalid drive letter.' }
    $letter = [string]$target.driveLetter
    $disk = Get-Partition -DriveLetter $letter | Get-Disk
  } else {
    $disk = Get-Disk -Number ([int]$target.diskNumber)
    $letter = $null
  }
  # The same refusal as the Linux side: never the disk Windows runs from.
  if ($disk.IsSystem -or $disk.IsBoot) { throw "Disk $($disk.Number) holds Windows: Seedship will never write to it." }
  if ($null -eq $letter) {
    if ($Create) {
      Clear-Disk -Number $disk.Number -RemoveData -RemoveOEM -Confirm:$false -ErrorAction SilentlyContinue
      Initialize-Disk -Number $disk.Number -PartitionStyle GPT -ErrorAction SilentlyContinue
      $letter = [string](New-Partition -DiskNumber $disk.Number -UseMaximumSize -AssignDriveLetter).DriveLetter
    } else {
      $letter = [string](Get-Partition -DiskNumber $disk.Number | Where-Object { $_.DriveLetter } | Select-Object -First 1).DriveLetter
      if (-not $letter) { throw "Disk $($disk.Number) has no volume with a drive letter." }
    }
  }
  if ("$($letter):" -eq $env:SystemDrive) { throw "$($letter): holds Windows: Seedship will never write to it." }
  return @{ letter = $letter; disk = $disk }
}
`;

/** Formats, encrypts (used space only), reads the recovery password back, copies the source. */
export const PREPARE_SCRIPT = `${PROLOGUE}
if (-not ([string]$p.method -cmatch '^XtsAes(128|256)$')) { throw 'Invalid encryption method.' }
$t = Resolve-Letter $p.target -Create
$mount = "$($t.letter):"
if ($p.sectorSize -ne 0 -and $t.disk.LogicalSectorSize -ne $p.sectorSize) { throw "The disk has $($t.disk.LogicalSectorSize)-byte sectors; Windows can't use another sector size." }
Emit @{ event = 'phase'; phase = 'format' }
$volume = Format-Volume -DriveLetter $t.letter -FileSystem NTFS -NewFileSystemLabel ([string]$p.label) -Force -Confirm:$false
Emit @{ event = 'formatted'; volumeBytes = [double]$volume.Size; sectorSize = [int]$t.disk.LogicalSectorSize }
Emit @{ event = 'phase'; phase = 'encrypt' }
$null = Enable-BitLocker -MountPoint $mount -EncryptionMethod ([string]$p.method) -UsedSpaceOnly -RecoveryPasswordProtector -WarningAction SilentlyContinue
do {
  Start-Sleep -Seconds 2
  $bl = Get-BitLockerVolume -MountPoint $mount
  Emit @{ event = 'progress'; phase = 'encrypt'; percent = [double]$bl.EncryptionPercentage }
} while ([string]$bl.VolumeStatus -ne 'FullyEncrypted')
$protector = $bl.KeyProtector | Where-Object { [string]$_.KeyProtectorType -eq 'RecoveryPassword' } | Select-Object -First 1
if ($null -eq $protector) { throw 'BitLocker created no recovery password protector.' }
$volume = Get-Volume -DriveLetter $t.letter
Emit @{ event = 'encrypted'; protectorId = [string]$protector.KeyProtectorId; recoveryPassword = [string]$protector.RecoveryPassword; method = [string]$bl.EncryptionMethod; encryptedBytes = [double]($volume.Size - $volume.SizeRemaining) }
Emit @{ event = 'phase'; phase = 'copy' }
& robocopy.exe ([string]$p.source) "$mount\\" /E /COPY:DAT /DCOPY:T /R:1 /W:1 /NP /NFL /NDL /NJH /NJS | Out-Null
# robocopy: 0-7 mean success (what was copied, skipped or extra); 8 and above mean failures.
if ($LASTEXITCODE -ge 8) { throw "robocopy failed (exit code $LASTEXITCODE)." }
Emit @{ event = 'done'; root = "$mount\\" }
`;

/** Unlocks (or, when unlocked, checks the password against the protectors) and describes the volume. */
export const VERIFY_SCRIPT = `${PROLOGUE}
$t = Resolve-Letter $p.target
$mount = "$($t.letter):"
$bl = Get-BitLockerVolume -MountPoint $mount
$passwords = @($bl.KeyProtector | Where-Object { [string]$_.KeyProtectorType -eq 'RecoveryPassword' } | ForEach-Object { [string]$_.RecoveryPassword })
if ([string]$bl.LockStatus -eq 'Locked') {
  try { $null = Unlock-BitLocker -MountPoint $mount -RecoveryPassword ([string]$p.recoveryPassword) } catch { throw 'The recovery password does not unlock this volume.' }
  $bl = Get-BitLockerVolume -MountPoint $mount
} elseif ($passwords -notcontains [string]$p.recoveryPassword) {
  throw 'The recovery password is not one of this volume''s protectors.'
}
Emit @{ event = 'volume'; method = [string]$bl.EncryptionMethod; status = [string]$bl.VolumeStatus; sectorSize = [int]$t.disk.LogicalSectorSize; root = "$mount\\" }
`;

/** powershell.exe's -EncodedCommand takes the script as base64 of UTF-16LE: no quoting at all. */
export function encodePowerShell(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

/** The program and arguments that run `script`; its parameters go to standard input as JSON. */
export function powerShellInvocation(script: string): { file: string; args: string[] } {
  return { file: 'powershell.exe', args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', encodePowerShell(script)] };
}

/** Validated parameters for PREPARE_SCRIPT; throws SeedshipError naming the bad option. */
export function prepareParams(o: PrepareVolumeOptions): PrepareParams {
  const target = parseWindowsTarget(o.device);
  const parsed = PrepareParamsSchema.safeParse({ target, label: o.label ?? 'Seedship', method: o.xts256 ? 'XtsAes256' : 'XtsAes128', sectorSize: o.sectorSize ?? 0, source: o.source });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? 'device');
    throw new SeedshipError('VALIDATION', `Invalid ${field}: ${issue?.message ?? 'rejected'}.`, field);
  }
  return parsed.data;
}

export function verifyParams(o: { device: string; recoveryPassword: string }): VerifyParams {
  const parsed = VerifyParamsSchema.safeParse({ target: parseWindowsTarget(o.device), recoveryPassword: o.recoveryPassword.trim() });
  if (!parsed.success) {
    // The password itself is never echoed back.
    const field = String(parsed.error.issues[0]?.path[0] ?? 'device');
    throw new SeedshipError('VALIDATION', field === 'recoveryPassword' ? 'A recovery password is 8 groups of 6 digits separated by "-".' : `Invalid ${field}.`, field);
  }
  return parsed.data;
}

type ScriptEvent = Record<string, unknown> & { event: string };

/** Runs a script with its JSON parameters on stdin; each stdout line is one event. */
function runScript(script: string, params: unknown, o: { signal?: AbortSignal; onEvent: (e: ScriptEvent) => void }): Promise<void> {
  const { file, args } = powerShellInvocation(script);
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    let stderr = '';
    let pending = '';
    const onAbort = () => child.kill();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        try {
          o.onEvent(JSON.parse(line) as ScriptEvent);
        } catch {
          // Not one of our events (a tool's stray output).
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (error) => reject(new SeedshipError('UNAVAILABLE', `PowerShell could not start: ${error.message}`)));
    child.on('close', (code) => {
      o.signal?.removeEventListener('abort', onAbort);
      if (o.signal?.aborted) reject(new SeedshipError('CANCELLED', 'Cancelled. BitLocker may still be encrypting the drive in the background (Windows finishes on its own).'));
      else if (code === 0) resolve();
      // stdout is never quoted (it carries the recovery password); stderr is redacted all the same.
      else reject(new SeedshipError('INTERNAL', `PowerShell failed: ${redactSecrets(lastError(stderr))}`));
    });
    child.stdin.end(JSON.stringify(params));
  });
}

/** PowerShell's error record is many lines; the first says what happened. */
function lastError(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines[0] ?? 'no error text';
}

/** prepareVolume on Windows: the same options and result as the Linux writer. */
export async function prepareVolumeWindows(o: PrepareVolumeOptions): Promise<PrepareVolumeResult> {
  // The Windows writer copies a folder with robocopy; disk prep's own copy hook is Linux-only for now.
  if (o.source === undefined) throw new SeedshipError('VALIDATION', 'On Windows, give a folder to copy onto the volume.', 'source');
  const params = prepareParams(o);
  const totals = await measureTree(o.source, o.signal);
  const report = (p: VolumeProgress) => o.onProgress?.(p);
  const seen: { volumeBytes: number; sectorSize: number; encrypted?: { protectorId: string; recoveryPassword: string; method: string; encryptedBytes: number } } = { volumeBytes: 0, sectorSize: 0 };
  await runScript(PREPARE_SCRIPT, params, {
    signal: o.signal,
    onEvent: (e) => {
      if (e.event === 'phase') report({ phase: e.phase as VolumeProgress['phase'], doneBytes: 0, totalBytes: e.phase === 'copy' ? totals.bytes : seen.volumeBytes });
      else if (e.event === 'formatted') Object.assign(seen, { volumeBytes: Number(e.volumeBytes), sectorSize: Number(e.sectorSize) });
      else if (e.event === 'progress') report({ phase: 'encrypt', doneBytes: Math.round((Number(e.percent) / 100) * seen.volumeBytes), totalBytes: seen.volumeBytes });
      else if (e.event === 'encrypted') seen.encrypted = { protectorId: String(e.protectorId), recoveryPassword: String(e.recoveryPassword), method: String(e.method), encryptedBytes: Number(e.encryptedBytes) };
      else if (e.event === 'done') report({ phase: 'finish', doneBytes: 1, totalBytes: 1 });
    },
  });
  const result = seen.encrypted;
  if (!result) throw new SeedshipError('INTERNAL', 'BitLocker did not report a recovery password.');
  return {
    recoveryPassword: result.recoveryPassword,
    protectorId: result.protectorId,
    method: result.method === 'XtsAes256' ? 'XtsAes256' : 'XtsAes128',
    sectorSize: seen.sectorSize,
    volumeBytes: seen.volumeBytes,
    encryptedBytes: result.encryptedBytes,
    files: totals.files,
    fileBytes: totals.bytes,
  };
}

/** verifyVolume on Windows: unlock with the recovery password, then compare the files with `against`. */
export async function verifyVolumeWindows(o: { device: string; recoveryPassword: string; against?: string; signal?: AbortSignal; onProgress?: (p: VolumeProgress) => void }): Promise<VerifyReport> {
  const seen: { volume?: { method: string; status: string; sectorSize: number; root: string } } = {};
  await runScript(VERIFY_SCRIPT, verifyParams(o), {
    signal: o.signal,
    onEvent: (e) => {
      if (e.event === 'volume') seen.volume = { method: String(e.method), status: String(e.status), sectorSize: Number(e.sectorSize), root: String(e.root) };
    },
  });
  const found = seen.volume;
  if (!found) throw new SeedshipError('INTERNAL', 'PowerShell did not describe the volume.');
  const mismatches: VerifyReport['mismatches'] = [];
  if (found.status !== 'FullyEncrypted') mismatches.push({ path: '(volume)', reason: `BitLocker reports ${found.status}, not FullyEncrypted` });
  const onDrive = await listFiles(found.root, (rel) => !/^(System Volume Information|\$RECYCLE\.BIN)(\/|$)/i.test(rel));
  if (o.against !== undefined) {
    const source = await listFiles(o.against, () => true);
    for (const [rel, size] of source) {
      const copy = onDrive.get(rel);
      if (copy === undefined) mismatches.push({ path: rel, reason: 'missing on the drive' });
      else if (copy !== size) mismatches.push({ path: rel, reason: `size differs: ${copy} bytes on the drive, ${size} in the source` });
      else if ((await sha256File(join(found.root, rel))) !== (await sha256File(join(o.against, rel)))) mismatches.push({ path: rel, reason: 'content differs' });
    }
    for (const rel of onDrive.keys()) if (!source.has(rel)) mismatches.push({ path: rel, reason: 'on the drive but not in the source' });
  }
  const bytes = [...onDrive.values()].reduce((a, b) => a + b, 0);
  return { ok: mismatches.length === 0, method: found.method, sectorSize: found.sectorSize, files: onDrive.size, bytes, mismatches };
}

async function listFiles(root: string, keep: (rel: string) => boolean): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(root, path).split('\\').join('/');
      if (!keep(rel)) continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.set(rel, (await stat(path)).size);
    }
  };
  await walk(root);
  return out;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
