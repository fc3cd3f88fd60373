// Backup benchmark (issue 4): Seedship's "Back Up Now" against restic and `tar | zstd -3 -T0` on the
// same seeded ~2 GiB tree, in the same run, with the same warm page cache. Exits non-zero when a
// target is missed:
//   - Seedship throughput >= 1.5x restic's and >= 0.7x tar|zstd's
//   - a no-change second backup takes < 10% of the first's time
//   - peak memory < 400 MiB, and it does not grow with the dataset (a 1/4-size tree is backed up too)
//   - event-loop lag p99 < 50 ms in the process running the backup
// Env: BENCH_BACKUP_GIB (default 2), BENCH_SEED (1), BENCH_KEEP_DATA=0 to delete the generated trees,
// BENCH_SKIP_RESTORE=1 to skip the restore sanity check, BENCH_TIMEOUT_S per command (1800),
// BENCH_REPEAT=N to time every contender N times and keep its fastest run (memory and lag: the worst),
// BENCH_SEEDSHIP_CLI=path to drive another build of the CLI (or a stub, to test this harness).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBackupTree } from './datasets/backup-tree.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = process.env.BENCH_SEEDSHIP_CLI ?? join(ROOT, 'bin', 'seedship.mjs');
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const SEED = Number(process.env.BENCH_SEED ?? 1);
const LARGE_BYTES = Math.round(Number(process.env.BENCH_BACKUP_GIB ?? 2) * GiB);
const SMALL_BYTES = Math.round(LARGE_BYTES / 4);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 1800) * 1000;
const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? 1));
// Datasets persist between runs (generation costs ~30 s); outputs live in a per-run folder removed at
// the end. Both sit under os.tmpdir() so every contender reads and writes the same file system.
const DATA_DIR = join(tmpdir(), 'seedship-bench-data');
const TARGET = { vsRestic: 1.5, vsTarZstd: 0.7, secondRatio: 0.1, peakRss: 400 * MiB, lagP99: 50, growth: 0.25, growthSlack: 32 * MiB };

// A run during which the rest of the machine used more than this share of a core is marked disturbed
// (kernel writeback alone stays well under it).
const DISTURBED = 0.25;

const log = (...a) => console.log(...a);
const mib = (b) => (b / MiB).toFixed(0);

// ---- measuring a command ------------------------------------------------------------------------

// Peak memory of a command and everything it starts. /proc has no children list on this kernel, so
// the process tree is rebuilt from each /proc/<pid>/stat. VmHWM is each process's own high-water mark,
// so a sample every 100 ms cannot miss a short peak. Summing them would count twice the file-backed
// pages two processes share (Seedship's launcher and the process it starts map the same node binary:
// 36 MiB of the launcher's 44), so every process but the biggest adds its high-water mark minus its
// file-backed pages. Exact for one process (restic), close for Seedship's two and tar|zstd's pipeline.
function treeSampler(rootPid) {
  const hwm = new Map();
  const fileBacked = new Map();
  let members = [];
  const sample = () => {
    const parent = new Map();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        // exited between readdir and read
      }
    }
    const inTree = (pid) => { for (let p = pid; p > 1; p = parent.get(p)) if (p === rootPid) return true; return false; };
    members = [...parent.keys()].filter((pid) => pid !== rootPid && inTree(pid));
    for (const pid of members) { // rootPid is the bash wrapper: not the contender's memory
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const m = /VmHWM:\s+(\d+) kB/.exec(status);
        const f = /RssFile:\s+(\d+) kB/.exec(status);
        if (m) hwm.set(pid, Math.max(hwm.get(pid) ?? 0, Number(m[1]) * 1024));
        if (f) fileBacked.set(pid, Math.max(fileBacked.get(pid) ?? 0, Number(f[1]) * 1024));
      } catch {
        // exited
      }
    }
  };
  const total = () => {
    const peaks = [...hwm.entries()].sort((a, b) => b[1] - a[1]);
    return peaks.reduce((sum, [pid, peak], i) => sum + (i === 0 ? peak : Math.max(0, peak - (fileBacked.get(pid) ?? 0))), 0);
  };
  const timer = setInterval(sample, 100);
  return {
    stop: () => { clearInterval(timer); return total(); },
    // On a timeout: the wrapper and every process the sampler last saw under it, by pid.
    kill: () => { for (const pid of [rootPid, ...members]) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } },
  };
}

// CPU seconds the whole machine has been busy (all cores, from /proc/stat, in USER_HZ = 1/100 s).
// Minus a contender's own CPU it shows how much else ran meanwhile: on a 2-core box a concurrent build
// makes any figure meaningless, and this column says so.
function machineBusy() {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

// Runs argv under a bash wrapper whose `times` reports the CPU the command used (user + sys of all its
// children), times the wall clock from spawn to exit, and samples memory. Output is kept for errors.
function measure(argv, { env = process.env, cwd = ROOT } = {}) {
  const wrapper = '"$@"; rc=$?; times >&2; exit $rc';
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const busyBefore = machineBusy();
    const child = spawn('bash', ['-c', wrapper, 'measure', ...argv], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const sampler = treeSampler(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => { sampler.kill(); stderr += `\ntimed out after ${TIMEOUT_MS / 1000} s`; }, TIMEOUT_MS);
    child.once('error', reject);
    let seconds = 0;
    let peakRss = 0;
    let busy = 0;
    child.once('exit', () => {
      seconds = (performance.now() - started) / 1000;
      busy = machineBusy() - busyBefore;
      peakRss = sampler.stop();
    });
    // 'close' comes after 'exit' once the pipes are drained, so the CPU line on stderr is complete.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      // `times` prints the shell's own CPU, then its children's: "0m1.234s 0m0.567s" on each line.
      const lines = stderr.trimEnd().split('\n');
      const timed = lines.length >= 2 && lines.slice(-2).every((l) => /^\d+m[\d.]+s \d+m[\d.]+s$/.test(l));
      const cpu = timed ? [...lines.at(-1).matchAll(/(\d+)m([\d.]+)s/g)].reduce((s, m) => s + Number(m[1]) * 60 + Number(m[2]), 0) : 0;
      resolve({ code, signal, seconds, cpu, otherCpu: Math.max(0, busy - cpu), peakRss, stdout, stderr: (timed ? lines.slice(0, -2) : lines).join('\n') });
    });
  });
}

// Works for measure()'s results (code) and spawnSync's (status).
function must(result, what) {
  const code = result.code === undefined ? result.status : result.code;
  // The tail of the output only: progress lines can run to megabytes.
  if (code !== 0) throw new Error(`${what} failed (exit ${code ?? result.signal}):\n${(result.stderr || result.stdout).trimEnd().split(/[\r\n]+/).slice(-8).join('\n')}`);
  return result;
}

const sh = (script, ...args) => must(spawnSync('bash', ['-c', `set -o pipefail; ${script}`, 'sh', ...args], { encoding: 'utf8' }), `bash -c ${script}`);
// Each contender starts with no dirty pages from the previous one still being written back.
const settle = () => spawnSync('sync');

function dirUsage(dir, usage = { files: 0, bytes: 0 }) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) dirUsage(path, usage);
    else if (entry.isFile()) { usage.files += 1; usage.bytes += statSync(path).size; }
  }
  return usage;
}
const dirBytes = (dir) => dirUsage(dir).bytes;

const sha256 = (path) => new Promise((resolve, reject) => {
  const hash = createHash('sha256');
  createReadStream(path).on('data', (d) => hash.update(d)).on('error', reject).on('end', () => resolve(hash.digest('hex')));
});

// The fastest of REPEAT runs stands for the contender (noise only ever slows a run down); memory and
// event-loop lag keep their worst value, since a target on them must hold in every run.
async function fastest(once) {
  const runs = [];
  for (let i = 0; i < REPEAT; i += 1) runs.push(await once(i));
  const merge = (all) => {
    const run = { ...all.reduce((a, b) => (b.seconds < a.seconds ? b : a)), peakRss: Math.max(...all.map((r) => r.peakRss)) };
    if (run.stats) {
      const lag = (key) => Math.max(...all.map((r) => r.stats[key]));
      run.stats = { ...run.stats, eventLoopLagP99Ms: lag('eventLoopLagP99Ms'), eventLoopLagMaxMs: lag('eventLoopLagMaxMs') };
    }
    return run;
  };
  // once() returns one run, or a record of runs (first and no-change second backup) merged key by key.
  if ('seconds' in runs[0]) return merge(runs);
  return Object.fromEntries(Object.keys(runs[0]).map((key) => [key, merge(runs.map((r) => r[key]))]));
}

// ---- contenders ---------------------------------------------------------------------------------

function ensureRestic() {
  if (spawnSync('restic', ['version']).status === 0) return;
  log('restic is missing: installing it with `apt-get install -y restic`');
  if (spawnSync('apt-get', ['install', '-y', 'restic'], { stdio: 'inherit' }).status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    if (spawnSync('apt-get', ['install', '-y', 'restic'], { stdio: 'inherit' }).status !== 0) throw new Error('could not install restic');
  }
}

async function tarZstd(root, out) {
  settle();
  const file = join(out, 'tree.tar.zst');
  const run = must(await measure(['bash', '-c', 'set -o pipefail; tar -C "$1" -cf - . | zstd -3 -T0 -q > "$2"', 'tar-zstd', root, file]), 'tar | zstd');
  run.outputBytes = statSync(file).size;
  rmSync(file);
  return run;
}

async function restic(root, out) {
  const env = { ...process.env, RESTIC_REPOSITORY: join(out, 'restic-repo'), RESTIC_PASSWORD_FILE: join(out, 'passphrase'), RESTIC_CACHE_DIR: join(out, 'restic-cache') };
  // Format version 2 is the one with (zstd) compression, the fair match for Seedship's repository.
  must(await measure(['restic', 'init', '-q', '--repository-version', '2'], { env }), 'restic init');
  settle();
  const first = must(await measure(['restic', 'backup', '-q', '--host', 'bench', root], { env }), 'restic backup');
  first.outputBytes = dirBytes(env.RESTIC_REPOSITORY);
  settle();
  const second = must(await measure(['restic', 'backup', '-q', '--host', 'bench', root], { env }), 'restic backup (no change)');
  second.addedBytes = dirBytes(env.RESTIC_REPOSITORY) - first.outputBytes;
  rmSync(env.RESTIC_REPOSITORY, { recursive: true, force: true });
  rmSync(env.RESTIC_CACHE_DIR, { recursive: true, force: true });
  return { first, second };
}

// borg is optional: measured when it is installed, never installed by the bench.
const hasBorg = () => spawnSync('borg', ['--version']).status === 0;
async function borg(root, out) {
  const repo = join(out, 'borg-repo');
  const env = { ...process.env, BORG_PASSPHRASE: readFileSync(join(out, 'passphrase'), 'utf8'), BORG_BASE_DIR: join(out, 'borg-base'), BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes' };
  must(await measure(['borg', 'init', '-e', 'repokey-blake2', repo], { env }), 'borg init');
  settle();
  const first = must(await measure(['borg', 'create', '--compression', 'zstd,3', `${repo}::first`, root], { env }), 'borg create');
  first.outputBytes = dirBytes(repo);
  settle();
  const second = must(await measure(['borg', 'create', '--compression', 'zstd,3', `${repo}::second`, root], { env }), 'borg create (no change)');
  second.addedBytes = dirBytes(repo) - first.outputBytes;
  rmSync(repo, { recursive: true, force: true });
  rmSync(env.BORG_BASE_DIR, { recursive: true, force: true });
  return { first, second };
}

function seedshipAvailable() {
  if (!process.env.BENCH_SEEDSHIP_CLI && !existsSync(join(ROOT, 'dist', 'cli.mjs'))) return 'dist/cli.mjs is missing (run `node scripts/build.mjs node`)';
  const help = spawnSync(process.execPath, [CLI, 'backup', '--help'], { encoding: 'utf8' });
  return help.status === 0 ? null : `\`seedship backup --help\` exited ${help.status}: ${(help.stderr || help.stdout).trim().split('\n')[0]}`;
}

// One Seedship backup of root into staging. The CLI reports its own figures (--stats-json); wall
// time and memory are also measured from outside, as for the peers, and the worse memory figure is kept.
async function seedship(root, staging, dataDir, passphrase, label) {
  const stats = join(dataDir, `${label}-stats.json`);
  settle();
  const run = must(
    await measure([process.execPath, CLI, 'backup', '--source', root, '--staging', staging, '--job', 'bench', '--passphrase-file', passphrase, '--stats-json', stats], {
      env: { ...process.env, SEEDSHIP_DATA_DIR: dataDir },
    }),
    `seedship backup (${label})`,
  );
  run.stats = JSON.parse(readFileSync(stats, 'utf8'));
  for (const key of ['seconds', 'bytesRead', 'bytesWritten', 'files', 'peakRssBytes', 'eventLoopLagP99Ms', 'eventLoopLagMaxMs']) {
    if (typeof run.stats[key] !== 'number') throw new Error(`seedship --stats-json lacks a number for "${key}": ${JSON.stringify(run.stats)}`);
  }
  // bin/seedship.mjs re-runs itself (glibc tunables), so the tree holds a launcher and the worker
  // process; the CLI's own figure covers only the latter. The target takes the larger.
  run.treePeak = run.peakRss;
  run.peakRss = Math.max(run.peakRss, run.stats.peakRssBytes);
  run.outputBytes = dirBytes(staging);
  return run;
}

// A first backup into fresh staging and data dirs, then the same again with nothing changed;
// afterCheck (the restore check) sees the staging before it is removed.
async function seedshipPair(root, out, passphrase, afterCheck) {
  const dataDir = join(out, 'seedship-data');
  const staging = join(out, 'seedship-staging');
  mkdirSync(dataDir);
  mkdirSync(staging);
  try {
    const first = await seedship(root, staging, dataDir, passphrase, 'first');
    const second = await seedship(root, staging, dataDir, passphrase, 'second');
    second.addedBytes = second.outputBytes - first.outputBytes;
    delete second.outputBytes;
    if (afterCheck) await afterCheck(staging, dataDir);
    return { first, second };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Untimed: restore the backup and compare a deterministic sample of files (every kind, including the
// smallest large file in full) byte for byte, plus the restored file count and total size, so a fast
// backup that skipped data cannot pass.
async function restoreCheck(plan, root, staging, dataDir, passphrase, to) {
  must(await measure([process.execPath, CLI, 'restore', '--staging', staging, '--to', to, '--passphrase-file', passphrase], { env: { ...process.env, SEEDSHIP_DATA_DIR: dataDir } }), 'seedship restore');
  // Where the tree lands under --to is the CLI's choice: as is, under the source's name, or under its absolute path.
  const first = plan.files.find((f) => f.kind === 'text' && f.size > 0).path;
  const base = [to, join(to, basename(root)), join(to, root)].find((b) => existsSync(join(b, first)));
  if (!base) return { ok: false, detail: `${first} not found under ${to} (looked as is, under ${basename(root)}/ and under ${root})` };
  const texts = plan.files.filter((f) => f.kind === 'text');
  const sample = [
    ...texts.filter((_, i) => i % Math.ceil(texts.length / 40) === 0),
    ...plan.files.filter((f) => ['log', 'csv', 'ndjson'].includes(f.kind)).slice(0, 6),
    [...plan.files.filter((f) => f.kind === 'random')].sort((a, b) => a.size - b.size)[0],
  ];
  for (const f of sample) {
    const restored = join(base, f.path);
    if (!existsSync(restored)) return { ok: false, detail: `${f.path} was not restored` };
    if ((await sha256(restored)) !== (await sha256(join(root, f.path)))) return { ok: false, detail: `${f.path} differs from the source` };
  }
  const { files, bytes } = dirUsage(base);
  if (files !== plan.fileCount || bytes !== plan.bytes) return { ok: false, detail: `restored ${files} files, ${bytes} bytes; the tree has ${plan.fileCount} files, ${plan.bytes} bytes` };
  return { ok: true, detail: `${sample.length} sampled files identical; all ${files} files, ${mib(bytes)} MiB restored` };
}

// ---- the run ------------------------------------------------------------------------------------

const out = mkdtempSync(join(tmpdir(), 'seedship-bench-backup-'));
const passphrase = join(out, 'passphrase');
writeFileSync(passphrase, 'bench-passphrase-not-a-secret-0123', { mode: 0o600 });
const results = [];
const checks = [];
const check = (ok, text) => checks.push({ ok, text });
try {
  ensureRestic();
  mkdirSync(DATA_DIR, { recursive: true });
  const large = ensureBackupTree(join(DATA_DIR, `backup-tree-s${SEED}-${mib(LARGE_BYTES)}m`), { seed: SEED, totalBytes: LARGE_BYTES }, log);
  const small = ensureBackupTree(join(DATA_DIR, `backup-tree-s${SEED}-${mib(SMALL_BYTES)}m`), { seed: SEED, totalBytes: SMALL_BYTES }, log);
  const describe = ({ plan, reused }) => `${plan.fileCount} files, ${(plan.bytes / GiB).toFixed(2)} GiB${reused ? ' (reused)' : ''}`;
  log(`backup benchmark: seed ${SEED}; large tree ${describe(large)}; small tree ${describe(small)}; ${REPEAT} run(s) each; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} on ${availableParallelism()} cores`);

  // Warm the page cache once for everyone (through cat: GNU tar skips reading when writing to /dev/null).
  sh('tar -C "$1" -cf - . | cat > /dev/null', large.root);

  const unavailable = seedshipAvailable();
  let first = null;
  let second = null;
  let smallRun = null;
  if (unavailable) {
    log(`seedship: not measured, ${unavailable}`);
  } else {
    const restore = async (staging, dataDir) => {
      const restored = await restoreCheck(large.plan, large.root, staging, dataDir, passphrase, join(out, 'restored'));
      check(restored.ok, `restore sanity (untimed): ${restored.detail}`);
      rmSync(join(out, 'restored'), { recursive: true, force: true });
    };
    try {
      ({ first, second } = await fastest((i) => seedshipPair(large.root, out, passphrase, i === 0 && process.env.BENCH_SKIP_RESTORE !== '1' ? restore : null)));
      results.push(['Seedship Back Up Now', first, large.plan.bytes], ['Seedship, no-change 2nd backup', second, large.plan.bytes]);
      if (first.stats.bytesRead !== large.plan.bytes) log(`  note: seedship reported bytesRead ${first.stats.bytesRead}, the tree has ${large.plan.bytes}`);
    } catch (error) {
      // Still measure the peers: their figures are what the engine is tuned against.
      check(false, error.message);
      first = null;
    }
  }

  const tz = await fastest(() => tarZstd(large.root, out));
  results.push(['tar -cf - | zstd -3 -T0', tz, large.plan.bytes]);
  const r = await fastest(() => restic(large.root, out));
  results.push(['restic 0.14 backup', r.first, large.plan.bytes], ['restic, no-change 2nd backup', r.second, large.plan.bytes]);
  if (hasBorg()) {
    const b = await fastest(() => borg(large.root, out));
    results.push(['borg create zstd,3', b.first, large.plan.bytes], ['borg, no-change 2nd backup', b.second, large.plan.bytes]);
  }

  if (first) {
    // The 1/4-size tree: only its memory peak (and lag) matter, to show memory does not grow with data.
    sh('tar -C "$1" -cf - . | cat > /dev/null', small.root);
    smallRun = await seedshipPair(small.root, out, passphrase, null).then(
      (pair) => pair.first,
      (error) => { check(false, error.message); return null; },
    );
    if (smallRun) results.push([`Seedship, ${(small.plan.bytes / GiB).toFixed(2)} GiB tree`, smallRun, small.plan.bytes]);
  }

  // ---- report -----------------------------------------------------------------------------------
  const rate = (run, bytes) => bytes / MiB / run.seconds;
  const seedRate = first ? rate(first, large.plan.bytes) : null;
  log('');
  log(`  ${'contender'.padEnd(32)} ${'seconds'.padStart(8)} ${'MiB/s'.padStart(7)} ${'CPU s'.padStart(7)} ${'other'.padStart(6)} ${'out MiB'.padStart(8)} ${'peak MiB'.padStart(8)}  Seedship ÷ this`);
  for (const [name, run, bytes] of results) {
    const vs = seedRate && !name.includes('2nd') && !name.startsWith('Seedship') ? `${(seedRate / rate(run, bytes)).toFixed(2)}x` : '';
    // A no-change backup shows what it added to the repository.
    const out = run.outputBytes !== undefined ? mib(run.outputBytes) : run.addedBytes !== undefined ? `+${(run.addedBytes / MiB).toFixed(1)}` : '';
    const disturbed = run.otherCpu > DISTURBED * run.seconds;
    log(`${disturbed ? '* ' : '  '}${name.padEnd(32)} ${run.seconds.toFixed(2).padStart(8)} ${rate(run, bytes).toFixed(0).padStart(7)} ${run.cpu.toFixed(1).padStart(7)} ${run.otherCpu.toFixed(1).padStart(6)} ${out.padStart(8)} ${mib(run.peakRss).padStart(8)}  ${vs}`);
  }
  log('  CPU s: the contender\'s user+sys time; other: CPU the rest of the machine used meanwhile (kernel');
  log(`  writeback, this bench's sampler, anything else running). * marks a disturbed run: other > ${DISTURBED} x seconds.`);
  if (first) {
    const s = (run) => `self-reported ${run.stats.seconds.toFixed(2)} s, read ${mib(run.stats.bytesRead)} MiB, wrote ${mib(run.stats.bytesWritten)} MiB, ${run.stats.files} files, peak RSS ${mib(run.stats.peakRssBytes)} MiB self / ${mib(run.treePeak)} MiB process tree, lag p99 ${run.stats.eventLoopLagP99Ms.toFixed(1)} ms max ${run.stats.eventLoopLagMaxMs.toFixed(1)} ms`;
    log(`  Seedship first:  ${s(first)}`);
    log(`  Seedship second: ${s(second)}`);
    log(`  Seedship small:  ${s(smallRun)}`);
    // Seedship trades a little size for speed (zstd level 2): show what that costs against the peer.
    if (tz.outputBytes) log(`  Seedship's output vs tar|zstd -3: ${((first.stats.bytesWritten / tz.outputBytes - 1) * 100).toFixed(1)}% bytes`);
  }
  log('');

  if (!first || !smallRun) {
    check(false, 'Seedship was not measured, so no target can be checked');
  } else {
    const vsRestic = seedRate / rate(r.first, large.plan.bytes);
    const vsTz = seedRate / rate(tz, large.plan.bytes);
    check(vsRestic >= TARGET.vsRestic, `throughput >= ${TARGET.vsRestic}x restic: ${vsRestic.toFixed(2)}x (${seedRate.toFixed(0)} vs ${rate(r.first, large.plan.bytes).toFixed(0)} MiB/s)`);
    check(vsTz >= TARGET.vsTarZstd, `throughput >= ${TARGET.vsTarZstd}x tar|zstd -3: ${vsTz.toFixed(2)}x (${seedRate.toFixed(0)} vs ${rate(tz, large.plan.bytes).toFixed(0)} MiB/s)`);
    const ratio = second.seconds / first.seconds;
    check(ratio < TARGET.secondRatio, `no-change backup < ${TARGET.secondRatio * 100}% of the first: ${(ratio * 100).toFixed(1)}% (${second.seconds.toFixed(2)} s vs ${first.seconds.toFixed(2)} s)`);
    const peak = Math.max(first.peakRss, second.peakRss, smallRun.peakRss);
    check(peak < TARGET.peakRss, `peak memory < ${mib(TARGET.peakRss)} MiB: ${mib(peak)} MiB (first ${mib(first.peakRss)}, second ${mib(second.peakRss)}, small tree ${mib(smallRun.peakRss)})`);
    // Memory must be bounded by buffers, not by the data: 4x the data may cost at most 25% (or 32 MiB) more.
    const allowed = Math.max(smallRun.peakRss * (1 + TARGET.growth), smallRun.peakRss + TARGET.growthSlack);
    check(first.peakRss <= allowed, `peak memory flat with size: ${mib(smallRun.peakRss)} MiB at ${(small.plan.bytes / GiB).toFixed(2)} GiB -> ${mib(first.peakRss)} MiB at ${(large.plan.bytes / GiB).toFixed(2)} GiB (allowed ${mib(allowed)})`);
    const lag = Math.max(first.stats.eventLoopLagP99Ms, second.stats.eventLoopLagP99Ms, smallRun.stats.eventLoopLagP99Ms);
    check(lag < TARGET.lagP99, `event-loop lag p99 < ${TARGET.lagP99} ms: ${lag.toFixed(1)} ms (worst of the three runs)`);
  }
} catch (error) {
  check(false, `benchmark error: ${error.message}`);
} finally {
  rmSync(out, { recursive: true, force: true });
  if (process.env.BENCH_KEEP_DATA === '0') rmSync(DATA_DIR, { recursive: true, force: true });
}
for (const { ok, text } of checks) log(`  ${ok ? 'PASS' : 'FAIL'}  ${text}`);
const failed = checks.filter((c) => !c.ok).length;
log(`backup benchmark: ${checks.length - failed} of ${checks.length} checks met`);
process.exit(failed === 0 ? 0 : 1);
