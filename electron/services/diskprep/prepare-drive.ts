import { createHash } from 'node:crypto';
import { mkdir, open, rm, stat, statfs, writeFile } from 'node:fs/promises';
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
import { newFvek, newRecoveryProtector, type RecoveryProtector } from '../volume/bitlocker/volume-keys';
import { BitLockerConversion, planConversion } from '../volume/bitlocker-conversion';
import type { ByteRange } from '../volume/byte-ranges';
import { buildPlainNtfs, volumeDescription, volumeGeometry } from '../volume/prepare-volume';
import { runTool, throwIfAborted } from '../volume/run-tool';
import { copyFileHashed } from './copy-file';
import { allocateDirectFiles, type BlockSource, openDeviceDirect, readBackDirectFile, writeDirectFile, writeResidentFile } from './direct-write';
import { DiskPrepPool } from './diskprep-pool';
import { driveHeaderHash } from './drive-header-hash';
import { driveSerial } from './drive-serial';
import { type FileExtents, readFileLayout, type FileLayout } from './file-layout';
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
const PLACEHOLDER_HASH = '0'.repeat(32);
/**
 * Files from this size on are written once, encrypted, straight to their clusters (direct-write.ts);
 * smaller ones go through ntfs-3g (they may live inside their MFT record) and are encrypted in place.
 */
const DIRECT_MIN_BYTES = 1024 * 1024;
const isDirect = (f: StagingFile) => f.bytes >= DIRECT_MIN_BYTES;
/** The note of the 'writing' phase line: what a resumed run needs to carry on writing. */
const WRITING_PREFIX = 'writing:';

/** Recorded before the BitLocker conversion begins. */
interface WritingRecord {
  protectorId: string;
  method: 'XtsAes128' | 'XtsAes256';
  /** Every file's and the manifest's extents on the volume. */
  layout: FileLayout;
  /** The ranges the in-place pass encrypts (the NTFS can't be read for them once the header is written). */
  inPlace: ByteRange[];
}

/** Room kept free besides the files: MFT records, directory indexes, the manifest's growth. */
const SAFETY_MARGIN_BYTES = 16 * 1024 * 1024;

/**
 * Prepares one drive of a job: re-checks the drive, picks the staging files not yet on another
 * drive of the job that fit (whole files), formats NTFS, copies the small ones under the session
 * folder through ntfs-3g, allocates the large ones and DriveManifest.xml, begins the BitLocker
 * conversion, writes the large files (per-block MD5s) and the manifest encrypted straight to their
 * clusters so each byte is written once, encrypts the rest of the used space in place, and reads
 * every block back through the decrypting reader. A journal in the data folder lets a re-run
 * resume (see PrepJournal): mid-copy, and mid-write (with the recovery password from the vault).
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

  let mode: 'fresh' | 'resume-copy' | 'resume-write' | 'recopy' | 'verify-only' = 'fresh';
  let resumeWrite: { record: WritingRecord; recoveryPassword: string } | null = null;
  if (journal) {
    for (const f of journal.state.header.files) {
      const now = current.get(f.path);
      if (!now || now.bytes !== f.bytes || now.mtimeMs !== f.mtimeMs) {
        throw new SeedshipError('CONFLICT', `Staging file ${join(root, f.path)} ${now ? 'changed' : 'disappeared'} since this drive was started: run the backup again or start over with a fresh drive.`, 'stagingPath');
      }
    }
    const state = await readVolumeState(target.device);
    const record = writingRecord(journal);
    const password = record ? deps.recoveryPassword(serial, record.protectorId) : null;
    if (journal.state.phase === 'copying' && state === 'ntfs') mode = 'resume-copy';
    else if (journal.state.phase === 'writing' && state === 'bitlocker' && record && password) {
      mode = 'resume-write';
      resumeWrite = { record, recoveryPassword: password };
    } else if (journal.state.phase === 'encrypted' || journal.state.phase === 'verified') mode = 'verify-only';
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
  // A drive formatted by this run needs a new recovery password: its stretch (about a second of
  // SHA-256, on a worker thread of its own) starts now, beside formatting and copying.
  const stretching = mode !== 'verify-only' && !resumeWrite ? newRecoveryProtector((key, salt) => pool.stretch(key, salt)) : null;
  stretching?.catch(() => undefined);
  /** This run's recovery password with its stretched key (a fresh drive only); zeroed at the end. */
  let protector: RecoveryProtector | undefined;
  try {
    let run = 0;
    const index = journal?.state.header.index ?? 1 + Math.max(0, ...prepared.map((d) => d.index), ...others.map((j) => j.state.header.index));
    const sessionFolder = journal?.state.header.sessionFolder ?? `${o.jobName}-${index}`;
    const xts256 = journal?.state.header.xts256 ?? o.xts256 ?? false;
    const ntfsPathOf = (f: StagingFile) => `/${sessionFolder}/${f.path}`;
    if (journal) {
      const kept = `Resumed the copy: ${journal.state.done.size} finished files are kept.`;
      run = await journal.startRun(mode === 'resume-copy' || mode === 'resume-write' ? kept : mode === 'recopy' ? 'The previous run stopped during encryption: the drive is prepared again from scratch (no other drive is touched).' : 'Encryption had finished: verifying again.');
      note(journal.state.notes.at(-1) as string);
      if (mode === 'recopy') await journal.restart(run, 'Prepared again from scratch after a crash during encryption.');
    }

    /** A fresh drive's plan, from the room the formatted NTFS really has: the files that fit, in order. */
    const planDrive = async (mountpoint: string): Promise<PrepJournal> => {
      const free = await statfs(mountpoint);
      const usable = Math.max(0, free.bavail * free.bsize - SAFETY_MARGIN_BYTES);
      const remaining = listing.files.filter((f) => !elsewhere.has(f.path));
      // Per file: cluster rounding, an MFT record, and its manifest lines.
      const cost = (f: StagingFile) => Math.ceil(f.bytes / 4096) * 4096 + 4096 + Math.ceil(f.bytes / MANIFEST_BLOCK_BYTES) * 160;
      const plan = planSpanning(remaining.map((f) => ({ path: f.path, bytes: cost(f) })), [{ device: target.device, usableBytes: usable }]);
      const chosen = new Set((plan.drives[0]?.files ?? []).map((f) => f.path));
      const first = remaining[0];
      if (chosen.size === 0 && first) throw new SeedshipError('VALIDATION', `${join(root, first.path)} does not fit on ${target.device} (${usable} bytes free after formatting).`, 'device');
      return PrepJournal.create(o.dataDir, { jobName: o.jobName, serial, device: target.device, stagingPath: root, sessionFolder, index, xts256, files: remaining.filter((f) => chosen.has(f.path)) });
    };
    const totalBytes = (j: PrepJournal) => j.state.header.files.reduce((n, f) => n + f.bytes, 0);
    const doneBytes = (j: PrepJournal) => j.state.header.files.filter((f) => j.state.done.has(f.path)).reduce((n, f) => n + f.bytes, 0);

    /** On the mount: small files copied (hashed, journaled) one at a time, in order; large files and the manifest created empty. */
    const copySmallFiles = async (j: PrepJournal, mountpoint: string): Promise<void> => {
      const total = totalBytes(j);
      let done = doneBytes(j);
      progress('copy', done, total * 3);
      // One block of each small file is in flight at a time: a few buffers are enough.
      const buffers = pool.blockBuffers(4);
      try {
        for (const f of j.state.header.files.filter((g) => !j.state.done.has(g.path))) {
          throwIfAborted(o.signal);
          const from = join(root, ...f.path.split('/'));
          const to = join(mountpoint, sessionFolder, ...f.path.split('/'));
          await mkdir(dirname(to), { recursive: true });
          if (isDirect(f)) {
            // Empty (a resumed run may find it allocated by the run before): its clusters come after unmounting.
            await writeFile(to, '');
            continue;
          }
          const hashes = await copyFileHashed({ source: from, target: to, expectedBytes: f.bytes, pool, buffers, ...(o.signal ? { signal: o.signal } : {}), onBytes: (n) => progress('copy', (done += n), total * 3, f.path) });
          await checkUnchanged(from, f, 'during the copy');
          await j.fileDone(f.path, hashes, run);
        }
      } finally {
        buffers.close();
      }
      await writeFile(join(mountpoint, MANIFEST_NAME), '');
    };

    /**
     * The large files not yet done, encrypted straight to their clusters, then the manifest (its size
     * was fixed in advance: every hash has 32 hex digits). Each file is flushed, journaled done once
     * `ready` (the conversion begun) and its flush are both through, and read back from the device
     * (readBackDirectFile) while the next files are written. Returns the manifest's MD5, the files
     * read back and what the readback found wrong.
     */
    const writeDirectData = async (j: PrepJournal, key: { fvek: Buffer; sectorSize: number }, layout: FileLayout, ready: Promise<unknown>): Promise<{ manifestHash: string; readBack: Set<string>; mismatches: string[] }> => {
      const total = totalBytes(j);
      let done = doneBytes(j);
      progress('copy', done, total * 3);
      // Four blocks per worker and more in flight: each worker hashes full sets of lanes.
      const buffers = pool.blockBuffers(pool.size * 5);
      const readBuffers = pool.blockBuffers(pool.size * 4 + 1);
      const device = await openDeviceDirect(target.device, 'write');
      const reader = await openDeviceDirect(target.device, 'read');
      const readBack = new Set<string>();
      const mismatches: string[] = [];
      let failure: unknown = null;
      const track = (p: Promise<unknown>) => p.catch((error: unknown) => void (failure ??= error));
      let syncing: Promise<void> = Promise.resolve();
      let journaling: Promise<void> = Promise.resolve();
      let reading: Promise<void> = Promise.resolve();
      try {
        await pool.useKey(key.fvek, key.sectorSize, 'encrypt');
        await pool.useKey(key.fvek, key.sectorSize, 'decrypt');
        const write = (ntfsPath: string, bytes: number, source: BlockSource, shorter: () => SeedshipError, currentFile: string | null) => {
          const extents = layout[ntfsPath];
          if (!extents) throw new SeedshipError('INTERNAL', `No layout recorded for ${ntfsPath}.`);
          return writeDirectFile({ device, source, bytes, extents, sectorSize: key.sectorSize, pool, buffers, ...(o.signal ? { signal: o.signal } : {}), shorter, onBytes: (n) => currentFile !== null && progress('copy', (done += n), total * 3, currentFile) });
        };
        for (const f of j.state.header.files.filter((g) => isDirect(g) && !j.state.done.has(g.path))) {
          throwIfAborted(o.signal);
          if (failure !== null) throw failure;
          const from = join(root, ...f.path.split('/'));
          const ntfsPath = ntfsPathOf(f);
          const input = await open(from, 'r');
          try {
            if ((await input.stat()).size !== f.bytes) throw changedError(from, 'changed size since the drive was planned');
            const source: BlockSource = async (buffer, length, position) => (await input.read(buffer, 0, length, position)).bytesRead;
            const hashes = await write(ntfsPath, f.bytes, source, () => changedError(from, 'got shorter during the copy'), f.path);
            await checkUnchanged(from, f, 'during the copy');
            // A file is journaled done only once a flush begun after its last write has finished (and
            // the conversion has begun); that flush runs while the next file is read, hashed and
            // encrypted (one in flight at a time). Once flushed, the file is read back from the device.
            await syncing;
            const synced = device.datasync();
            syncing = synced.catch(() => undefined);
            const previous = journaling;
            journaling = Promise.all([previous, synced, ready]).then(() => j.fileDone(f.path, hashes, run));
            track(journaling);
            const extents = layout[ntfsPath] as FileExtents;
            const before = reading;
            const readingThis = synced.then(async () => {
              mismatches.push(...(await readBackDirectFile({ device: reader, ntfsPath, bytes: f.bytes, extents, sectorSize: key.sectorSize, hashes, pool, buffers: readBuffers, ...(o.signal ? { signal: o.signal } : {}) })));
              readBack.add(ntfsPath);
            });
            reading = Promise.all([before, readingThis]).then(() => undefined);
            track(reading);
          } finally {
            await input.close();
          }
        }
        await journaling;
        const manifest = Buffer.from(buildDriveManifest(serial, blobsOf(j, job.container as string, sessionFolder)));
        if (manifest.length !== manifestBytes(j)) throw new SeedshipError('INTERNAL', `DriveManifest.xml came out at ${manifest.length} bytes, ${manifestBytes(j)} were allocated.`);
        const manifestExtents = layout[`/${MANIFEST_NAME}`];
        if (manifestExtents?.resident) {
          // A tiny job's manifest fits its MFT record (not yet encrypted: the in-place pass comes next).
          await writeResidentFile(target.device, manifestExtents, manifest);
        } else {
          const fromManifest: BlockSource = (buffer, length, position) => Promise.resolve(manifest.copy(buffer, 0, position, position + length));
          await write(`/${MANIFEST_NAME}`, manifest.length, fromManifest, () => new SeedshipError('INTERNAL', 'The manifest ended early.'), null);
          await device.datasync();
        }
        await reading;
        return { manifestHash: createHash('md5').update(manifest).digest('hex').toUpperCase(), readBack, mismatches };
      } finally {
        await Promise.allSettled([journaling, reading, syncing]);
        buffers.close();
        readBuffers.close();
        await pool.forgetKey().catch(() => undefined);
        await reader.close();
        await device.close();
      }
    };

    /** DriveManifest.xml's exact size, known before any hash: each is 32 hex digits. */
    const manifestBytes = (j: PrepJournal) => Buffer.byteLength(buildDriveManifest(serial, blobsOf(j, job.container as string, sessionFolder, PLACEHOLDER_HASH)));

    let recoveryPasswordNow: string | null = null;
    let readBack: ReadonlySet<string> = new Set();
    const readBackMismatches: string[] = [];
    if (mode !== 'verify-only') {
      const totalOf = () => (journal ? journal.state.header.files.reduce((n, f) => n + f.bytes, 0) : 0);
      /** Set once the conversion exists (at once when resuming; a fresh drive's once its key is stretched). */
      let conversion: BitLockerConversion | null = null;
      let record: WritingRecord;
      /** Through once the conversion has begun (its header and metadata written, the recovery password saved). */
      let ready: Promise<unknown>;
      /** The XTS key the large files are written with (a copy: the conversion owns its own). */
      let key: { fvek: Buffer; sectorSize: number };
      if (resumeWrite) {
        record = resumeWrite.record;
        const resumed = await BitLockerConversion.resume(target.device, resumeWrite.recoveryPassword);
        conversion = resumed;
        ready = Promise.resolve();
        key = { fvek: Buffer.from(resumed.fvek), sectorSize: resumed.sectorSize };
      } else {
        // 1. The plain NTFS: reserved files, folders, small files copied, large files and the manifest created empty.
        const { sectorSize, volumeBytes } = await volumeGeometry(target.device);
        const label = `Seedship ${index}`;
        await buildPlainNtfs(target.device, {
          sectorSize,
          label,
          reuse: mode === 'resume-copy',
          signal: o.signal,
          onFormat: () => progress('format', 0, 1),
          fill: async (mountpoint) => {
            if (!journal) journal = await planDrive(mountpoint);
            run ||= await journal.startRun(`Started on ${target.device}.`);
            await copySmallFiles(journal, mountpoint);
          },
        });
        throwIfAborted(o.signal);
        const j = journal as unknown as PrepJournal;
        // 2. The large files' and the manifest's clusters, allocated and marked initialized; where everything lies.
        const direct = [...j.state.header.files.filter(isDirect).map((f) => ({ ntfsPath: ntfsPathOf(f), bytes: f.bytes })), { ntfsPath: `/${MANIFEST_NAME}`, bytes: manifestBytes(j) }];
        const directLayout = await allocateDirectFiles(target.device, direct, o.signal);
        const skip = Object.values(directLayout).flatMap((e) => e.ranges.map(([offset, length]) => ({ offset, length })));
        // Both only read the unmounted volume: side by side.
        const [smallLayout, plan] = await Promise.all([readFileLayout(target.device, j.state.header.files.filter((f) => !isDirect(f)).map(ntfsPathOf)), planConversion(target.device, sectorSize, volumeBytes, skip)]);
        const layout: FileLayout = { ...smallLayout, ...directLayout };
        // 3. The FVEK first: the large files are encrypted under it and written to their clusters (in the
        //    plain NTFS: none is journaled done before the conversion has begun) while the recovery key
        //    is still being stretched. Then the keys; the recovery password is in the vault, and the
        //    journal says 'writing', before the volume header makes the drive unreadable without it.
        const fvek = newFvek(xts256 ? 'XtsAes256' : 'XtsAes128');
        key = { fvek: Buffer.from(fvek), sectorSize };
        const placeholder: WritingRecord = { protectorId: '', method: xts256 ? 'XtsAes256' : 'XtsAes128', layout, inPlace: plan.inPlace };
        record = placeholder;
        ready = (async () => {
          let created: BitLockerConversion;
          try {
            protector = await (stretching as Promise<RecoveryProtector>);
            created = await BitLockerConversion.create(target.device, plan, { xts256, description: volumeDescription(label), protector, fvek });
          } catch (error) {
            fvek.fill(0);
            throw error;
          }
          // From here the conversion owns the FVEK (close() zeroes it).
          conversion = created;
          deps.saveRecoveryPassword(serial, created.protectorId, target.device, created.recoveryPassword);
          record = { ...placeholder, protectorId: created.protectorId, method: created.method };
          await j.setPhase('writing', run, `${WRITING_PREFIX}${JSON.stringify(record)}`);
          await created.begin();
        })();
        ready.catch(() => undefined);
      }
      const j = journal as unknown as PrepJournal;
      try {
        // 4. Large files, then the manifest, encrypted straight to their clusters and read back.
        let written: Awaited<ReturnType<typeof writeDirectData>>;
        try {
          written = await writeDirectData(j, key, record.layout, ready);
        } finally {
          key.fvek.fill(0);
          await ready.catch(() => undefined);
        }
        await ready;
        const begun = conversion as unknown as BitLockerConversion;
        readBack = written.readBack;
        readBackMismatches.push(...written.mismatches);
        // 5. Everything else in place (MFT, indexes, small files, reserved areas, tail), then "encrypted".
        await j.setPhase('encrypting', run);
        await begun.encryptInPlace(record.inPlace, {
          signal: o.signal,
          workerDir: o.workerDir,
          onProgress: (d, t) => progress('encrypt', totalOf() * (1 + (t > 0 ? d / t : 1)), totalOf() * 3),
        });
        await begun.finish();
        recoveryPasswordNow = begun.recoveryPassword;
        await j.setPhase('encrypted', run, JSON.stringify({ protectorId: record.protectorId, method: record.method, manifestHash: written.manifestHash, layout: record.layout }));
      } finally {
        await (conversion as BitLockerConversion | null)?.close();
      }
    }

    const j = journal as PrepJournal;
    const encrypted = encryptedRecord(j);
    if (!encrypted) throw new SeedshipError('INTERNAL', `The journal of ${serial} lacks the encryption record.`);
    const recoveryPassword = recoveryPasswordNow ?? deps.recoveryPassword(serial, encrypted.protectorId);
    if (!recoveryPassword) throw new SeedshipError('NOT_FOUND', `The recovery password of drive ${serial} is not in this app's vault: prepare the drive again.`, 'device');
    const files = j.state.header.files;
    const total = files.reduce((n, f) => n + f.bytes, 0);
    progress('verify', total * 2, total * 3);
    const report = await verifyPreparedDrive({
      device: target.device,
      recoveryPassword,
      ...(protector ? { known: protector } : {}),
      layout: encrypted.layout,
      files: files.map((f) => ({ ntfsPath: `/${sessionFolder}/${f.path}`, bytes: f.bytes, blockHashes: j.state.done.get(f.path)?.blockHashes ?? [] })),
      manifest: { ntfsPath: `/${MANIFEST_NAME}`, md5: encrypted.manifestHash },
      readBack,
      pool,
      signal: o.signal,
      onBytes: (d) => progress('verify', total * 2 + d, total * 3),
    });
    report.mismatches.unshift(...readBackMismatches);
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
    protector?.stretched.fill(0);
    await pool.close();
    await stretching?.then((p) => p.stretched.fill(0), () => undefined);
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

function writingRecord(journal: PrepJournal): WritingRecord | null {
  const text = [...journal.state.notes].reverse().find((n) => n.startsWith(WRITING_PREFIX));
  return text ? (JSON.parse(text.slice(WRITING_PREFIX.length)) as WritingRecord) : null;
}

/** The file must still be the one planned (a backup running meanwhile would change it). */
async function checkUnchanged(path: string, f: StagingFile, when: string): Promise<void> {
  const after = await stat(path);
  if (after.size !== f.bytes || Math.trunc(after.mtimeMs) !== f.mtimeMs) throw new SeedshipError('CONFLICT', `Staging file ${path} changed ${when}.`, 'stagingPath');
}

function changedError(path: string, what: string): SeedshipError {
  return new SeedshipError('CONFLICT', `Staging file ${path} ${what}: run the backup again, then disk prep.`, 'stagingPath');
}

/** The manifest's blobs: each file under the container at its staging path, in plan order. */
function blobsOf(journal: PrepJournal, container: string, sessionFolder: string, placeholder?: string): ManifestBlob[] {
  return journal.state.header.files.map((f) => {
    const hashes = placeholder !== undefined ? Array.from({ length: Math.ceil(f.bytes / MANIFEST_BLOCK_BYTES) }, () => placeholder) : (journal.state.done.get(f.path)?.blockHashes ?? []);
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
