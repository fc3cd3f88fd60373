// A seeded, reproducible backup source tree: many small text files, medium compressible files and
// large incompressible ones, in the proportions a real user folder tends to have. The same seed and
// size give the same paths, sizes, mtimes and bytes on every machine, so benchmark figures compare
// across runs and tests can regenerate the exact tree instead of shipping it.
//
//   planBackupTree({ seed, totalBytes })          -> { files, bytes, digest }  (cheap, no I/O)
//   generateBackupTree(root, { seed, totalBytes }) -> the plan, after writing it under root
//   ensureBackupTree(dir, { seed, totalBytes })    -> reuses dir if its manifest matches, else regenerates
import { createCipheriv, createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

// Bump when the bytes a plan produces change, so stale trees on disk are not reused.
export const GENERATOR_VERSION = 1;

// Share of the total size per class. Small files test per-file overhead, medium ones compression,
// large ones raw chunking/encryption/write speed (compression cannot help there).
const SHARES = { small: 0.06, medium: 0.44 }; // large gets the rest
const SMALL = { min: 32, max: 32 * 1024, perDir: 60, emptyEvery: 500 };
const MEDIUM = { min: 256 * 1024, max: 8 * 1024 * 1024 };
const LARGE = { min: 128 * 1024 * 1024, max: 384 * 1024 * 1024, floor: 16 * 1024 * 1024 };
// Fixed mtimes (2024-01-01 plus one second per file) so change detection sees the same tree each run.
const MTIME_BASE = 1_704_067_200;

// sfc32: small, fast, good enough statistically, and trivially portable (unlike Math.random).
export function prng(seedText) {
  const h = createHash('sha256').update(String(seedText)).digest();
  let a = h.readUInt32LE(0), b = h.readUInt32LE(4), c = h.readUInt32LE(8), d = h.readUInt32LE(12);
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b | 0) + d | 0;
    d = d + 1 | 0;
    a = b ^ (b >>> 9);
    b = c + (c << 3) | 0;
    c = (c << 21) | (c >>> 11);
    c = c + t | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i += 1) next();
  return next;
}

const logUniform = (rand, min, max) => Math.floor(Math.exp(Math.log(min) + rand() * (Math.log(max) - Math.log(min))));

// The plan is everything but the bytes: paths, sizes, kinds and mtimes, derived from the seed alone.
export function planBackupTree({ seed = 1, totalBytes = 2 * 1024 ** 3 } = {}) {
  const rand = prng(`plan:${seed}:${totalBytes}`);
  const files = [];
  const add = (path, size, kind) => files.push({ path, size, kind, mtime: MTIME_BASE + files.length });

  const smallBudget = Math.floor(totalBytes * SHARES.small);
  const mediumBudget = Math.floor(totalBytes * SHARES.medium);
  const largeBudget = totalBytes - smallBudget - mediumBudget;

  const smallExt = ['ts', 'md', 'txt', 'json', 'css', 'py'];
  for (let used = 0, i = 0; used < smallBudget; i += 1) {
    const leaf = Math.floor(i / SMALL.perDir);
    const dir = `text/d${String(Math.floor(leaf / 20)).padStart(3, '0')}/e${String(leaf % 20).padStart(2, '0')}`;
    const size = i % SMALL.emptyEvery === SMALL.emptyEvery - 1 ? 0 : Math.min(logUniform(rand, SMALL.min, SMALL.max), smallBudget - used);
    add(`${dir}/f${String(i).padStart(6, '0')}.${smallExt[Math.floor(rand() * smallExt.length)]}`, size, 'text');
    used += size;
  }
  const mediumKinds = ['log', 'csv', 'ndjson'];
  for (let used = 0, i = 0; used < mediumBudget; i += 1) {
    const kind = mediumKinds[i % mediumKinds.length];
    const size = Math.min(logUniform(rand, MEDIUM.min, MEDIUM.max), mediumBudget - used);
    add(`docs/${kind}/m${String(i).padStart(4, '0')}.${kind}`, size, kind);
    used += size;
  }
  for (let used = 0, i = 0; used < largeBudget; i += 1) {
    let size = Math.min(LARGE.min + Math.floor(rand() * (LARGE.max - LARGE.min)), largeBudget - used);
    // Fold a tiny remainder into this file rather than leave a runt "large" file behind.
    if (largeBudget - used - size < LARGE.floor) size = largeBudget - used;
    add(`media/big${String(i).padStart(2, '0')}.bin`, size, 'random');
    used += size;
  }
  const digest = createHash('sha256').update(JSON.stringify([GENERATOR_VERSION, seed, files])).digest('hex');
  return { generator: 'backup-tree', version: GENERATOR_VERSION, seed, totalBytes, fileCount: files.length, bytes: files.reduce((s, f) => s + f.size, 0), digest, files };
}

// ---- content ------------------------------------------------------------------------------------

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pha', 'dri', 'sto', 'quin', 'bel', 'gor', 'tam', 'ux', 'wen', 'yal', 'cor'];
function vocabulary(seed) {
  const rand = prng(`vocab:${seed}`);
  const words = [];
  for (let i = 0; i < 3000; i += 1) {
    let w = '';
    const n = 1 + Math.floor(rand() * 3);
    for (let j = 0; j < n; j += 1) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
    words.push(Buffer.from(w));
  }
  return words;
}

// Text is produced straight into byte buffers: building JS strings line by line spent most of the
// generation time in the garbage collector.
class Bytes {
  constructor(size) { this.buf = Buffer.allocUnsafe(size); this.pos = 0; }
  ascii(s) { this.pos += this.buf.latin1Write(s, this.pos); }
  copy(b) { this.pos += b.copy(this.buf, this.pos); }
  byte(c) { this.buf[this.pos++] = c; }
  digits(n, width = 0) {
    let len = 1;
    for (let v = n; v >= 10; v = Math.floor(v / 10)) len += 1;
    for (let i = len; i < width; i += 1) this.buf[this.pos++] = 48;
    for (let i = len - 1, v = n; i >= 0; i -= 1, v = Math.floor(v / 10)) this.buf[this.pos + i] = 48 + (v % 10);
    this.pos += len;
  }
}

const HEX = Buffer.from('0123456789abcdef');
const LEVELS = ['INFO ', 'INFO ', 'INFO ', 'DEBUG', 'WARN ', 'ERROR'].map((l) => Buffer.from(` ${l} [worker-`));

function lineWriter(kind, rand, words) {
  // Zipf-ish word choice: common words dominate, as in real text, which is what compressors exploit.
  const word = () => words[Math.floor(words.length * rand() * rand() * rand())];
  const int = (n) => Math.floor(rand() * n);
  const hex = (out, n) => { for (let i = 0; i < n; i += 1) out.byte(HEX[int(16)]); };
  // Timestamps advance from a random point on 2024-01-01 (plus a day count for long files).
  let clock = int(86_400_000);
  const stamp = (out) => {
    const day = Math.floor(clock / 86_400_000) % 28;
    const ms = clock % 86_400_000;
    out.ascii('2024-01-'); out.digits(day + 1, 2); out.byte(84 /* T */);
    out.digits(Math.floor(ms / 3_600_000), 2); out.byte(58);
    out.digits(Math.floor(ms / 60_000) % 60, 2); out.byte(58);
    out.digits(Math.floor(ms / 1000) % 60, 2); out.byte(46);
    out.digits(ms % 1000, 3);
  };
  switch (kind) {
    case 'log':
      return (out) => {
        clock += int(2000);
        stamp(out); out.ascii('Z'); out.copy(LEVELS[int(LEVELS.length)]); out.digits(int(16)); out.ascii('] ');
        out.copy(word()); out.byte(32); out.copy(word()); out.ascii(' id='); hex(out, 12);
        out.ascii(' path=/api/v1/'); out.copy(word()); out.byte(47); out.digits(int(10000));
        out.ascii(rand() < 0.9 ? ' status=200 ms=' : ' status=500 ms='); out.digits(int(900)); out.byte(10);
      };
    case 'csv':
      return (out) => {
        clock += int(60000);
        out.digits(int(1_000_000)); out.byte(44); out.copy(word()); out.byte(44);
        out.digits(int(1000)); out.byte(46); out.digits(int(1000), 3); out.byte(44);
        out.copy(word()); out.byte(32); out.copy(word()); out.byte(44); stamp(out);
        out.ascii(rand() < 0.5 ? ',yes\n' : ',no\n');
      };
    case 'ndjson':
      return (out) => {
        out.ascii('{"id":'); out.digits(int(1e7)); out.ascii(',"name":"'); out.copy(word()); out.byte(32); out.copy(word());
        out.ascii('","tags":["'); out.copy(word()); out.ascii('","'); out.copy(word()); out.ascii('"],"score":0.');
        out.digits(int(10000), 4); out.ascii(',"ref":"'); hex(out, 8); out.ascii('"}\n');
      };
    default:
      // Prose and code-ish lines with indentation, like source files and notes.
      return (out) => {
        for (let i = int(4); i > 0; i -= 1) out.ascii('  ');
        if (rand() < 0.3) {
          out.ascii('const '); out.copy(word()); out.ascii(' = '); out.copy(word()); out.byte(40); out.digits(int(100)); out.ascii(');\n');
          return;
        }
        for (let i = 3 + int(10); i > 0; i -= 1) { out.copy(word()); out.byte(i > 1 ? 32 : 46); }
        out.byte(10);
      };
  }
}

const BLOCK = 1024 * 1024;
const ZEROS = Buffer.alloc(BLOCK);
const LINE_MAX = 4096;

function writeText(fd, size, kind, rand, words) {
  const line = lineWriter(kind, rand, words);
  const out = new Bytes(BLOCK + LINE_MAX);
  for (let left = size; left > 0;) {
    const want = Math.min(left, BLOCK);
    while (out.pos < want) line(out);
    writeSync(fd, out.buf, 0, want);
    // Carry the part of the last line past the block into the next one (or drop it at the end).
    out.pos = out.buf.copy(out.buf, 0, want, out.pos);
    left -= want;
  }
}

function writeRandom(fd, size, keyText) {
  // AES-256-CTR keystream: deterministic, incompressible, and far faster than a JS PRNG.
  const key = createHash('sha256').update(keyText).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  for (let left = size; left > 0;) {
    const n = Math.min(left, BLOCK);
    writeSync(fd, cipher.update(n === BLOCK ? ZEROS : ZEROS.subarray(0, n)));
    left -= n;
  }
}

export function generateBackupTree(root, options = {}) {
  const plan = planBackupTree(options);
  const words = vocabulary(plan.seed);
  const made = new Set();
  for (const file of plan.files) {
    const path = join(root, file.path);
    const dir = dirname(path);
    if (!made.has(dir)) { mkdirSync(dir, { recursive: true }); made.add(dir); }
    const fd = openSync(path, 'w');
    try {
      const key = `data:${plan.seed}:${file.path}`;
      if (file.kind === 'random') writeRandom(fd, file.size, key);
      else writeText(fd, file.size, file.kind, prng(key), words);
    } finally {
      closeSync(fd);
    }
    utimesSync(path, file.mtime, file.mtime);
  }
  // Directories last (writing files touched them), deepest first so parents are not touched again.
  for (const dir of [...made].sort((a, b) => b.length - a.length)) {
    for (let d = dir; d.length > root.length; d = dirname(d)) utimesSync(d, MTIME_BASE, MTIME_BASE);
  }
  utimesSync(root, MTIME_BASE, MTIME_BASE);
  return plan;
}

// A tree is reused when the manifest written after its last successful generation matches the plan
// and every file still has its planned size; anything else (interrupted run, new generator) regenerates.
export function ensureBackupTree(dir, options = {}, log = () => {}) {
  const plan = planBackupTree(options);
  const root = join(dir, 'tree');
  const manifestPath = join(dir, 'manifest.json');
  const summary = ({ files: _files, ...rest }) => rest;
  if (existsSync(manifestPath)) {
    try {
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      if (manifest.digest === plan.digest && plan.files.every((f) => statSync(join(root, f.path)).size === f.size)) return { root, plan, reused: true };
    } catch {
      // unreadable manifest or a missing file: regenerate below
    }
  }
  log(`generating ${plan.fileCount} files, ${(plan.bytes / 1024 ** 3).toFixed(2)} GiB, seed ${plan.seed} in ${root}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  generateBackupTree(root, options);
  writeFileSync(manifestPath, JSON.stringify(summary(plan), null, 1));
  return { root, plan, reused: false };
}
