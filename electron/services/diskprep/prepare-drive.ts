import { createHash } from 'node:crypto';
import { mkdir, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { SeedshipError } from '../../../shared/api/errors';
import { MANIFEST_BLOCK_BYTES, MAX_DRIVES_PER_JOB, type PreparedDrive } from '../../../shared/diskprep/diskprep-api';
import { buildDriveManifest, type ManifestBlob } from '../../../shared/diskprep/drive-manifest';
import { estimateUsableBytes, planSpanning } from '../../../shared/diskprep/span-plan';
import { scanDrives } from '../disks/drive-scanner';
import type { DriveScan } from '../disks/drives-service';
import { inspectTarget, TargetIo } from '../volume/block-target';
import { checkPrepareTarget } from '../volume/prepare-target-check';
import { prepareVolume } from '../volume/prepare-volume';
import { runTool, throwIfAborted } from '../volume/run-tool';
import { BlockBuffers, copyFileHashed } from './copy-file';
import { DiskPrepPool } from './diskprep-pool';
import { driveHeaderHash } from './drive-header-hash';
import { driveSerial } from './drive-serial';
import { readFileLayout, type FileLayout } from './file-layout';
import { PrepJournal } from './prep-journal';
import { findStagedJob, listStagingFiles, loadStaging, type StagingFile } from './staging-files';
import { verifyPreparedDrive } from './verify-drive';

export type PrepPhase = 'check' | 'format' | 'copy' | 'encrypt' | 'verify' | 'done';

export interface PrepareDriveOptions {
  stagingPath: string;
  jobName: string;
  device: string;
  xts256?: boolean;
  dataDir: string;
  workerDir?: string;
  signal?: AbortSignal;
  /** `bytes` of this drive's work (copy + encrypt + verify ≈ 3 × the files' bytes). */
  onProgress?: (p: { phase: PrepPhase; doneBytes: number; totalBytes: number; currentFile: string | null }) => void;
  /** Plain-words notes for the operator (resume decisions); never secrets. */
  onNote?: (note: string) => void;
  scan?: DriveScan;
}

export interface PrepareDriveDeps {
  /** Drives already prepared for the job (the store). */
  preparedDrives: (jobName: string) => PreparedDrive[];
  saveRecoveryPassword: (serial: string, protectorId: string, device: string, recoveryPassword: string) => void;
  recoveryPassword: (serial: string, protectorId: string) => string | null;
}

const MANIFEST_NAME = 'DriveManifest.xml';
/** Room kept free besides the files: MFT records, directory indexes, the manifest's growth. */
const SAFETY_MARGIN_BYTES = 16 * 1024 * 1024;

/**
 * Prepares one drive of a job: re-checks the drive, picks the staging files not yet on another
 * drive of the job that fit (whole files), formats NTFS, copies them under the session folder with
 * per-block MD5s, writes DriveManifest.xml, BitLocker-encrypts, and reads every block back through
 * the decrypting reader. A journal in the data folder lets a re-run resume (see PrepJournal).
 */
export async function prepareDrive(o: PrepareDriveOptions, deps: PrepareDriveDeps): Promise<PreparedDrive> {
  const note = (text: string) => o.onNote?.(text);
  const progress = (phase: PrepPhase, doneBytes: number, totalBytes: number, currentFile: string | null = null) => o.onProgress?.({ phase, doneBytes, totalBytes, currentFile });
  progress('check', 0, 1);
  const { root, descriptor } = await loadStaging(o.stagingPath);
  const job = findStagedJob(descriptor, root, o.jobName);
  if (!job.container) throw new SeedshipError('VALIDATION', `The staging descriptor names no storage container for job ${o.jobName}: the manifest's blob paths need one.`, 'container');
  await releaseStaleMount(o.device, o.scan ?? scanDrives, note);
  const target = await checkPrepareTarget(o.device, { dataDir: o.dataDir, source: root, stagingPath: root, ...(o.scan ? { scan: o.scan } : {}) });
  const facts = (await (o.scan ?? scanDrives)({ includeLoop: true })).find((f) => f.device === target.device) ?? null;
  const serial = await driveSerial(target.device, facts);
  const sizeBytes = facts?.sizeBytes ?? (await inspectTarget(target.device)).bytes;

  const prepared = deps.preparedDrives(o.jobName);
  if (prepared.some((d) => d.serial === serial)) throw new SeedshipError('CONFLICT', `Drive ${serial} (${target.device}) is already prepared for job ${o.jobName}.`, 'device');
  let journal = await PrepJournal.load(o.dataDir, o.jobName, serial);
  const others = (await PrepJournal.loadAll(o.dataDir, o.jobName)).filter((j) => j.state.header.serial !== serial);
  if (!journal && prepared.length + others.filter((j) => !prepared.some((d) => d.serial === j.state.header.serial)).length >= MAX_DRIVES_PER_JOB) {
    throw new SeedshipError('VALIDATION', `Job ${o.jobName} already has ${MAX_DRIVES_PER_JOB} drives: an import job takes at most ${MAX_DRIVES_PER_JOB}. Create another job for the rest.`, 'device');
  }

  const listing = await listStagingFiles(root);
  if (listing.unreadable.length > 0) {
    const first = listing.unreadable[0] as { path: string; reason: string };
    throw new SeedshipError('VALIDATION', `The copy computer can't use ${first.path} in staging: ${first.reason}.`, 'stagingPath');
  }
  const current = new Map(listing.files.map((f) => [f.path, f]));
  const elsewhere = new Set(others.flatMap((j) => j.state.header.files.map((f) => f.path)));

  let mode: 'fresh' | 'resume-copy' | 'recopy' | 'verify-only' = 'fresh';
  if (journal) {
    for (const f of journal.state.header.files) {
      const now = current.get(f.path);
      if (!now || now.bytes !== f.bytes || now.mtimeMs !== f.mtimeMs) {
        throw new SeedshipError('CONFLICT', `Staging file ${join(root, f.path)} ${now ? 'changed' : 'disappeared'} since this drive was started: run the backup again or start over with a fresh drive.`, 'stagingPath');
      }
    }
    const state = await readVolumeState(target.device);
    if (journal.state.phase === 'copying' && state === 'ntfs') mode = 'resume-copy';
    else if (journal.state.phase === 'encrypted' || journal.state.phase === 'verified') mode = 'verify-only';
    else mode = 'recopy';
  }
  if (!journal) {
    // Refuse before writing anything: a file no drive could hold, or nothing left to copy.
    const remaining = listing.files.filter((f) => !elsewhere.has(f.path));
    if (remaining.length === 0) throw new SeedshipError('CONFLICT', `Every staging file of job ${o.jobName} is already on its other drives: no drive needed.`, 'device');
    const room = estimateUsableBytes(sizeBytes);
    const huge = remaining.find((f) => f.bytes > room);
    if (huge) throw new SeedshipError('VALIDATION', `${join(root, huge.path)} (${huge.bytes} bytes) is larger than ${target.device} can hold (about ${room} bytes); files are never split across drives: use a larger drive.`, 'device');
  }

  const pool = new DiskPrepPool(o.workerDir);
  try {
    let layout: FileLayout | null = null;
    let run = 0;
    const index = journal?.state.header.index ?? 1 + Math.max(0, ...prepared.map((d) => d.index), ...others.map((j) => j.state.header.index));
    const sessionFolder = journal?.state.header.sessionFolder ?? `${o.jobName}-${index}`;
    const xts256 = journal?.state.header.xts256 ?? o.xts256 ?? false;
    if (journal) {
      run = await journal.startRun(mode === 'resume-copy' ? `Resumed the copy: ${journal.state.done.size} finished files are kept.` : mode === 'recopy' ? 'The previous run stopped during encryption: the drive is prepared again from scratch (no other drive is touched).' : 'Encryption had finished: verifying again.');
      note(journal.state.notes.at(-1) as string);
      if (mode === 'recopy') await journal.restart(run, 'Prepared again from scratch after a crash during encryption.');
    }

    let result: { recoveryPassword: string; protectorId: string; method: 'XtsAes128' | 'XtsAes256' } | null = null;
    let manifestHash = '';
    if (mode !== 'verify-only') {
      const populate = async (mountpoint: string, signal: AbortSignal | undefined) => {
        if (!journal) {
          const free = await statfs(mountpoint);
          const usable = Math.max(0, free.bavail * free.bsize - SAFETY_MARGIN_BYTES);
          const remaining = listing.files.filter((f) => !elsewhere.has(f.path));
          // Per file: cluster rounding, an MFT record, and its manifest lines.
          const cost = (f: StagingFile) => Math.ceil(f.bytes / 4096) * 4096 + 4096 + Math.ceil(f.bytes / MANIFEST_BLOCK_BYTES) * 160;
          const plan = planSpanning(remaining.map((f) => ({ path: f.path, bytes: cost(f) })), [{ device: target.device, usableBytes: usable }]);
          const chosen = new Set((plan.drives[0]?.files ?? []).map((f) => f.path));
          const first = remaining[0];
          if (chosen.size === 0 && first) throw new SeedshipError('VALIDATION', `${join(root, first.path)} does not fit on ${target.device} (${usable} bytes free after formatting).`, 'device');
          journal = await PrepJournal.create(o.dataDir, { jobName: o.jobName, serial, device: target.device, stagingPath: root, sessionFolder, index, xts256, files: remaining.filter((f) => chosen.has(f.path)) });
          run = await journal.startRun(`Started on ${target.device}.`);
        }
        const j = journal;
        const files = j.state.header.files;
        const total = files.reduce((n, f) => n + f.bytes, 0);
        let done = files.filter((f) => j.state.done.has(f.path)).reduce((n, f) => n + f.bytes, 0);
        progress('copy', done, total * 3);
        const queue = files.filter((f) => !j.state.done.has(f.path));
        const buffers = new BlockBuffers(pool.size * 2 + 2);
        // One file at a time, in order: a single writer keeps each file in one piece on the NTFS.
        for (const f of queue) {
          throwIfAborted(signal);
          const from = join(root, ...f.path.split('/'));
          const to = join(mountpoint, sessionFolder, ...f.path.split('/'));
          await mkdir(dirname(to), { recursive: true });
          const hashes = await copyFileHashed({ source: from, target: to, expectedBytes: f.bytes, pool, buffers, ...(signal ? { signal } : {}), onBytes: (n) => progress('copy', (done += n), total * 3, f.path) });
          // The file must still be the one planned (a backup running meanwhile would change it).
          const after = await stat(from);
          if (after.size !== f.bytes || Math.trunc(after.mtimeMs) !== f.mtimeMs) throw new SeedshipError('CONFLICT', `Staging file ${from} changed during the copy.`, 'stagingPath');
          await j.fileDone(f.path, hashes, run);
        }
        const manifest = buildDriveManifest(serial, blobsOf(j, job.container as string, sessionFolder));
        await writeFile(join(mountpoint, MANIFEST_NAME), manifest);
        manifestHash = createHash('md5').update(manifest).digest('hex').toUpperCase();
        return { files: files.length, bytes: total };
      };
      const beforeEncrypt = async () => {
        const j = journal as PrepJournal;
        layout = await readFileLayout(target.device, [...j.state.header.files.map((f) => `/${sessionFolder}/${f.path}`), `/${MANIFEST_NAME}`]);
        await j.setPhase('encrypting', run);
      };
      const totalOf = () => (journal ? journal.state.header.files.reduce((n, f) => n + f.bytes, 0) : 0);
      const volume = await prepareVolume({
        device: target.device,
        populate,
        reuseNtfs: mode === 'resume-copy',
        beforeEncrypt,
        xts256,
        label: `Seedship ${index}`,
        signal: o.signal,
        workerDir: o.workerDir,
        onProgress: (p) => {
          if (p.phase === 'format') progress('format', 0, 1);
          else if (p.phase === 'encrypt' && p.totalBytes > 0) progress('encrypt', totalOf() * (1 + p.doneBytes / p.totalBytes), totalOf() * 3);
        },
      });
      result = volume;
      deps.saveRecoveryPassword(serial, volume.protectorId, target.device, volume.recoveryPassword);
      await (journal as PrepJournal).setPhase('encrypted', run, JSON.stringify({ protectorId: volume.protectorId, method: volume.method, manifestHash, layout }));
    }

    const j = journal as PrepJournal;
    const encrypted = encryptedRecord(j);
    if (!encrypted) throw new SeedshipError('INTERNAL', `The journal of ${serial} lacks the encryption record.`);
    const recoveryPassword = result?.recoveryPassword ?? deps.recoveryPassword(serial, encrypted.protectorId);
    if (!recoveryPassword) throw new SeedshipError('NOT_FOUND', `The recovery password of drive ${serial} is not in this app's vault: prepare the drive again.`, 'device');
    const files = j.state.header.files;
    const total = files.reduce((n, f) => n + f.bytes, 0);
    progress('verify', total * 2, total * 3);
    const report = await verifyPreparedDrive({
      device: target.device,
      recoveryPassword,
      layout: encrypted.layout,
      files: files.map((f) => ({ ntfsPath: `/${sessionFolder}/${f.path}`, bytes: f.bytes, blockHashes: j.state.done.get(f.path)?.blockHashes ?? [] })),
      manifest: { ntfsPath: `/${MANIFEST_NAME}`, md5: encrypted.manifestHash },
      pool,
      signal: o.signal,
      onBytes: (d) => progress('verify', total * 2 + d, total * 3),
    });
    if (report.mismatches.length > 0) throw new SeedshipError('INTERNAL', `Verification of ${target.device} failed: ${report.mismatches.slice(0, 3).join('; ')}${report.mismatches.length > 3 ? ` (and ${report.mismatches.length - 3} more)` : ''}.`, 'device');
    if (report.residentFiles > 0) note(`${report.residentFiles} small file(s) live inside the MFT and were checked through the manifest hash only.`);
    const headerHash = await driveHeaderHash(target.device);
    await j.setPhase('verified', run);
    const now = new Date().toISOString();
    const drive: PreparedDrive = {
      jobName: o.jobName,
      index: j.state.header.index,
      serial,
      device: target.device,
      sizeBytes,
      sessionFolder,
      files: files.length,
      bytes: total,
      manifestHash: encrypted.manifestHash,
      driveHeaderHash: headerHash,
      protectorId: encrypted.protectorId,
      method: encrypted.method,
      preparedAt: j.state.header.at,
      verifiedAt: now,
    };
    progress('done', total * 3, total * 3);
    return drive;
  } finally {
    await pool.close();
  }
}

interface EncryptedRecord {
  protectorId: string;
  method: 'XtsAes128' | 'XtsAes256';
  manifestHash: string;
  layout: FileLayout;
}

/** The note of the 'encrypted' phase line carries what verify needs after a restart. */
function encryptedRecord(journal: PrepJournal): EncryptedRecord | null {
  const text = [...journal.state.notes].reverse().find((n) => n.startsWith('{"protectorId"'));
  return text ? (JSON.parse(text) as EncryptedRecord) : null;
}

/** The manifest's blobs: each file under the container at its staging path, in plan order. */
function blobsOf(journal: PrepJournal, container: string, sessionFolder: string): ManifestBlob[] {
  return journal.state.header.files.map((f) => {
    const hashes = journal.state.done.get(f.path)?.blockHashes ?? [];
    return {
      blobPath: `${container}/${f.path}`,
      filePath: `\\${sessionFolder}\\${f.path.split('/').join('\\')}`,
      length: f.bytes,
      blocks: hashes.map((hash, i) => ({ offset: i * MANIFEST_BLOCK_BYTES, length: Math.min(MANIFEST_BLOCK_BYTES, f.bytes - i * MANIFEST_BLOCK_BYTES), hash })),
    };
  });
}

/**
 * A run killed mid-copy (kill -9, power kept) leaves its ntfs-3g mount behind: the mount is this
 * app's own (a `seedship-ntfs-` folder in the temp folder), so it is unmounted (ntfs-3g flushes
 * what it holds) before the re-run checks the drive. Any other mount still blocks the drive.
 */
async function releaseStaleMount(device: string, scan: DriveScan, note: (text: string) => void): Promise<void> {
  const facts = (await scan({ includeLoop: true })).find((f) => f.device === resolve(device));
  const ours = (facts?.mountpoints ?? []).filter((m) => m.path.startsWith(join(tmpdir(), 'seedship-ntfs-')));
  for (const m of ours) {
    await runTool('umount', [m.path], { timeoutMs: 600_000 });
    await rm(m.path, { recursive: true, force: true });
    note(`Unmounted ${m.path}, left behind by an interrupted run.`);
  }
}

/** What the drive holds now: NTFS (not yet encrypted), a BitLocker volume, or something else. */
async function readVolumeState(device: string): Promise<'ntfs' | 'bitlocker' | 'other'> {
  const io = await TargetIo.open(device, 'r');
  try {
    const oem = (await io.read(0, 512)).subarray(3, 11).toString('latin1');
    return oem === 'NTFS    ' ? 'ntfs' : oem === '-FVE-FS-' ? 'bitlocker' : 'other';
  } finally {
    await io.close();
  }
}
