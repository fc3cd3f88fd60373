// Disk-prep benchmark (issue 6): `seedship diskprep` on a loop device backed by a file, beside, in the
// same run, a plain dd of the same bytes to the same device and the CPU ceiling for the same work:
//   ceiling = min(dd, cores ÷ (2 / MD5 + 1 / AES-XTS))   (MD5 twice: on the copy and the verify read)
// from `openssl speed -evp md5` (4 MiB blocks, as the manifest) and `openssl speed -evp aes-128-xts`
// (data unit = the device's 512-byte sector, as BitLocker encrypts it). Prints both ratios and
// PASS/FAIL against ≥ 0.8 × the ceiling. Needs root (losetup, ntfs-3g).
// Env: BENCH_DISKPREP_GIB (staging size, default 1), BENCH_DISKPREP_OPENSSL_SECONDS (2).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MiB = 1024 ** 2;
const DATA_BYTES = Math.round(Number(process.env.BENCH_DISKPREP_GIB ?? 1) * 1024 * MiB);
const OPENSSL_SECONDS = Number(process.env.BENCH_DISKPREP_OPENSSL_SECONDS ?? 2);
const FILE_BYTES = 64 * MiB;
const log = (...a) => console.log(...a);

if (process.getuid?.() !== 0) {
  log('diskprep bench: SKIP (needs root for loop devices and ntfs-3g)');
  process.exit(0);
}

/** openssl speed's figure in MB/s (it prints thousands of bytes per second) for one data-unit size. */
function opensslSpeed(cipher, bytes) {
  const run = spawnSync('openssl', ['speed', '-evp', cipher, '-seconds', String(OPENSSL_SECONDS), '-bytes', String(bytes)], { encoding: 'utf8' });
  const match = /^\S+\s+([\d.]+)k\s*$/m.exec(run.stdout ?? '');
  if (!match) throw new Error(`openssl speed ${cipher} printed nothing usable.`);
  return (Number(match[1]) * 1000) / 1e6;
}

const work = mkdtempSync(join(tmpdir(), 'seedship-diskprep-bench-'));
let device = null;
try {
  // Staging: 64 MiB pack files of incompressible bytes (what a backup repository holds).
  const staging = join(work, 'staging');
  mkdirSync(join(staging, 'repository'), { recursive: true });
  const files = [];
  const chunk = randomBytes(FILE_BYTES);
  for (let i = 0, left = DATA_BYTES; left > 0; i += 1, left -= FILE_BYTES) {
    const path = join(staging, 'repository', `pack${String(i).padStart(4, '0')}`);
    chunk.writeUInt32LE(i, 0);
    writeFileSync(path, chunk.subarray(0, Math.min(FILE_BYTES, left)));
    files.push(path);
  }
  writeFileSync(
    join(staging, 'seedship-staging.json'),
    JSON.stringify({ format: 'seedship-staging', version: 1, repositoryId: 'bench', repository: 'repository', jobs: [{ jobName: 'bench-job', subscriptionId: null, storageAccount: 'bench', container: 'bench', resourceGroup: null, location: null, vault: null, snapshotId: 's', sourceBytes: DATA_BYTES, stagedBytes: DATA_BYTES, files: files.length, createdAt: new Date().toISOString() }] }),
  );
  const image = join(work, 'drive.img');
  execFileSync('truncate', ['-s', String(Math.ceil((DATA_BYTES * 1.15) / MiB) * MiB + 64 * MiB), image]);
  device = execFileSync('losetup', ['--find', '--show', image], { encoding: 'utf8' }).trim();

  // dd: the same bytes to the same device, flushed.
  let started = performance.now();
  execFileSync('sh', ['-c', `cat ${files.map((f) => `'${f}'`).join(' ')} | dd of=${device} bs=4M iflag=fullblock conv=fsync status=none`]);
  const ddSeconds = (performance.now() - started) / 1000;
  const dd = DATA_BYTES / 1e6 / ddSeconds;

  const md5 = opensslSpeed('md5', 4 * MiB);
  const xts = opensslSpeed('aes-128-xts', 512);
  const cores = availableParallelism();
  const cpu = cores / (2 / md5 + 1 / xts);
  const ceiling = Math.min(dd, cpu);

  started = performance.now();
  const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'seedship.mjs'), 'diskprep', `s:${staging}`, '--drive', device, '--yes-format', '--data-dir', join(work, 'data')], { encoding: 'utf8' });
  const prepSeconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`seedship diskprep failed: ${run.stderr}`);
  const prep = DATA_BYTES / 1e6 / prepSeconds;

  log(`diskprep bench: ${(DATA_BYTES / MiB).toFixed(0)} MiB of staging onto ${device}, ${cores} cores`);
  log(`  openssl: MD5 ${md5.toFixed(0)} MB/s, AES-128-XTS (512-byte units) ${xts.toFixed(0)} MB/s per core → CPU ceiling ${cpu.toFixed(0)} MB/s`);
  log(`  dd of the same bytes: ${dd.toFixed(0)} MB/s (${ddSeconds.toFixed(1)} s)`);
  log(`  seedship diskprep (copy + MD5 + BitLocker + verify read): ${prep.toFixed(0)} MB/s (${prepSeconds.toFixed(1)} s)`);
  log(`  ratio to dd: ${(prep / dd).toFixed(2)}×   ratio to the ceiling min(dd, CPU) = ${ceiling.toFixed(0)} MB/s: ${(prep / ceiling).toFixed(2)}×`);
  const pass = prep >= 0.8 * ceiling;
  log(`  ${pass ? 'PASS' : 'FAIL'}: target ≥ 0.8 × ceiling = ${(0.8 * ceiling).toFixed(0)} MB/s`);
  process.exitCode = pass ? 0 : 1;
} finally {
  if (device) spawnSync('losetup', ['--detach', device]);
  rmSync(work, { recursive: true, force: true });
}
