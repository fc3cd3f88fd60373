// XTS benchmark (issue 5): Seedship's sector encryption against `openssl speed -evp aes-{128,256}-xts`
// on the same machine, in the same run. Measures, for 512- and 4096-byte sectors and XTS-AES-128/256:
//   - openssl speed, one core, one data unit per call (its best case: no per-sector setup in Node)
//   - xtsEncryptSectors on one thread (MiB/s per core), and its ratio to openssl
//   - encryptDeviceRanges over a 1 GiB image file with every core (MiB/s, and per CPU-second), beside
//     dd copying the image onto itself in place (the same I/O without the encryption)
// Exits non-zero when a figure misses the target of 400 MiB/s per core.
// Env: BENCH_XTS_SECONDS per single-thread measurement (default 1.5), BENCH_XTS_IMAGE_GIB (1),
// BENCH_XTS_OPENSSL_SECONDS (3).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MiB = 1024 ** 2;
const TARGET_PER_CORE = 400;
const SECONDS = Number(process.env.BENCH_XTS_SECONDS ?? 1.5);
const IMAGE_BYTES = Math.round(Number(process.env.BENCH_XTS_IMAGE_GIB ?? 1) * 1024 * MiB);
const OPENSSL_SECONDS = Number(process.env.BENCH_XTS_OPENSSL_SECONDS ?? 3);
const log = (...a) => console.log(...a);

// `seedship volume` runs with glibc's mmap threshold raised (bin/seedship.mjs); measure it the same way.
const TUNABLES = 'glibc.malloc.mmap_threshold=8388608:glibc.malloc.trim_threshold=8388608:glibc.malloc.arena_max=2';
if (process.platform === 'linux' && process.env.GLIBC_TUNABLES === undefined) {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], { stdio: 'inherit', env: { ...process.env, GLIBC_TUNABLES: TUNABLES } });
  process.exit(run.status ?? 1);
}

/** Seedship's code as the app ships it: bundled by esbuild like dist/, workers from dist/workers. */
async function loadSeedship(out) {
  if (!existsSync(join(ROOT, 'dist', 'workers', 'volume-worker.mjs'))) execFileSync(process.execPath, ['scripts/build.mjs', 'node'], { cwd: ROOT, stdio: 'inherit' });
  const outfile = join(out, 'xts-bench-bundle.mjs');
  await build({
    stdin: {
      contents: "export { xtsEncryptSectors } from './electron/workers/volume/xts-sectors';\nexport { encryptDeviceRanges } from './electron/services/volume/sector-encryptor';\n",
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}

/** openssl speed's figure for one cipher and data-unit size, in MiB/s (it prints thousands of bytes per second). */
function opensslSpeed(cipher, bytes) {
  const run = spawnSync('openssl', ['speed', '-evp', cipher, '-seconds', String(OPENSSL_SECONDS), '-bytes', String(bytes)], { encoding: 'utf8' });
  const match = /^\S+\s+([\d.]+)k\s*$/m.exec(run.stdout ?? '');
  return match ? (Number(match[1]) * 1000) / MiB : null;
}

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Single-thread MiB/s of xtsEncryptSectors over 8 MiB calls, after a warm-up. */
function seedshipSpeed(xtsEncryptSectors, keyBytes, sectorSize) {
  const key = randomBytes(keyBytes);
  const data = randomBytes(8 * MiB);
  for (let i = 0; i < 3; i += 1) xtsEncryptSectors(key, data, 2 ** 33, sectorSize);
  const started = performance.now();
  const cpu = cpuSeconds();
  let bytes = 0;
  while (performance.now() - started < SECONDS * 1000) {
    xtsEncryptSectors(key, data, 2 ** 33 + bytes / sectorSize, sectorSize);
    bytes += data.length;
  }
  const wall = (performance.now() - started) / 1000;
  return { wall: bytes / MiB / wall, perCpu: bytes / MiB / (cpuSeconds() - cpu) };
}

async function deviceSpeed(encryptDeviceRanges, image, sectorSize) {
  const started = performance.now();
  const cpu = cpuSeconds();
  await encryptDeviceRanges({ device: image, key: randomBytes(32), sectorSize, ranges: [{ offset: 0, length: IMAGE_BYTES }], workerDir: join(ROOT, 'dist', 'workers') });
  const wall = (performance.now() - started) / 1000;
  return { wall: IMAGE_BYTES / MiB / wall, perCpu: IMAGE_BYTES / MiB / (cpuSeconds() - cpu) };
}

const out = mkdtempSync(join(tmpdir(), 'seedship-xts-bench-'));
const checks = [];
const check = (ok, text) => checks.push({ ok, text });
const pass = (perCore) => perCore >= TARGET_PER_CORE;
try {
  const cores = availableParallelism();
  log(`XTS benchmark: load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} on ${cores} cores; target ${TARGET_PER_CORE} MiB/s per core`);
  const { xtsEncryptSectors, encryptDeviceRanges } = await loadSeedship(out);

  log('');
  log(`  ${'cipher'.padEnd(12)} ${'sector'.padStart(6)} ${'openssl MiB/s'.padStart(14)} ${'Seedship MiB/s'.padStart(15)} ${'per CPU-s'.padStart(10)}  Seedship ÷ openssl`);
  for (const keyBytes of [32, 64]) {
    const cipher = keyBytes === 32 ? 'aes-128-xts' : 'aes-256-xts';
    for (const sectorSize of [512, 4096]) {
      const reference = opensslSpeed(cipher, sectorSize);
      const ours = seedshipSpeed(xtsEncryptSectors, keyBytes, sectorSize);
      const ratio = reference ? (ours.wall / reference).toFixed(2) : 'n/a (openssl speed failed)';
      log(`  ${cipher.padEnd(12)} ${String(sectorSize).padStart(6)} ${(reference?.toFixed(0) ?? '—').padStart(14)} ${ours.wall.toFixed(0).padStart(15)} ${ours.perCpu.toFixed(0).padStart(10)}  ${ratio}`);
      check(pass(ours.wall), `xtsEncryptSectors ${cipher}, ${sectorSize}-byte sectors, one thread: ${ours.wall.toFixed(0)} MiB/s per core`);
    }
  }

  // A real image (written once, untimed), and as the I/O peer dd copying it onto itself in place:
  // the same reads and writes the encryptor makes, without the encryption.
  const image = join(out, 'volume.img');
  execFileSync('dd', ['if=/dev/zero', `of=${image}`, 'bs=8M', `count=${IMAGE_BYTES / (8 * MiB)}`, 'conv=fsync', 'status=none']);
  const ddStarted = performance.now();
  execFileSync('dd', [`if=${image}`, `of=${image}`, 'bs=8M', 'conv=notrunc,fsync', 'status=none']);
  const ddRate = IMAGE_BYTES / MiB / ((performance.now() - ddStarted) / 1000);
  log('');
  log(`  encryptDeviceRanges over a ${(IMAGE_BYTES / MiB).toFixed(0)} MiB image file, XTS-AES-128, ${cores} workers, flushed at the end:`);
  log(`    dd in place (bs=8M conv=notrunc,fsync), the I/O peer: ${ddRate.toFixed(0)} MiB/s`);
  for (const sectorSize of [4096, 512]) {
    const run = await deviceSpeed(encryptDeviceRanges, image, sectorSize);
    log(`    ${String(sectorSize).padStart(4)}-byte sectors: ${run.wall.toFixed(0)} MiB/s (${(run.wall / ddRate).toFixed(2)} × dd), ${run.perCpu.toFixed(0)} MiB per CPU-second`);
    check(pass(run.perCpu), `encryptDeviceRanges, ${sectorSize}-byte sectors, ${cores} workers: ${run.perCpu.toFixed(0)} MiB/s per core (per CPU-second, the image's reads and writes included)`);
  }
  log('  Per CPU-second: bytes over the CPU time this process used (workers included), the fair per-core figure');
  log('  on a shared machine; the wall rate is bounded by the disk (compare dd).');
} finally {
  rmSync(out, { recursive: true, force: true });
}
log('');
for (const { ok, text } of checks) log(`  ${ok ? 'PASS' : 'FAIL'}  ${text}`);
process.exit(checks.every((c) => c.ok) ? 0 : 1);
