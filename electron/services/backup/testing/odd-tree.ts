import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, chmodSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, symlinkSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A source tree with every case a backup must get right: empty, small, multi-chunk and
 * multi-segment files, a sparse file, symlinks (one dangling), hard links, long and non-ASCII
 * names, odd permissions, old times and a FIFO.
 */
export function makeOddTree(root: string): void {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'empty.txt'), '');
  writeFileSync(join(root, 'notes.txt'), 'Seedship restores this exactly.\n'.repeat(100));
  writeFileSync(join(root, 'random.bin'), randomBytes(12 * 1024 * 1024));
  writeFileSync(join(root, 'text-log.txt'), Array.from({ length: 120_000 }, (_, i) => `2026-11-25T10:00:${String(i % 60).padStart(2, '0')} job=${i % 97} state=ok\n`).join(''));
  // Sparse, with data at both ends and past a 64 MiB segment boundary.
  const sparse = openSync(join(root, 'sparse.img'), 'w');
  writeSync(sparse, randomBytes(100_000), 0, 100_000, 0);
  writeSync(sparse, Buffer.from('middle'), 0, 6, 70 * 1024 * 1024);
  writeSync(sparse, randomBytes(4096), 0, 4096, 90 * 1024 * 1024);
  closeSync(sparse);
  execFileSync('truncate', ['-s', String(96 * 1024 * 1024), join(root, 'sparse.img')]);
  mkdirSync(join(root, 'nested', 'deeper'), { recursive: true });
  writeFileSync(join(root, 'nested', 'deeper', 'copy-of-notes.txt'), 'Seedship restores this exactly.\n'.repeat(100));
  symlinkSync('../notes.txt', join(root, 'nested', 'link-to-notes'));
  symlinkSync('/nowhere/at/all', join(root, 'dangling-link'));
  linkSync(join(root, 'notes.txt'), join(root, 'nested', 'hard-link-to-notes.txt'));
  writeFileSync(join(root, 'Ünïcödé – 日本語 – 🚀.txt'), 'non-ASCII names survive\n');
  let deep = root;
  for (let i = 0; i < 6; i += 1) deep = join(deep, `level-${i}-${'d'.repeat(60)}`);
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, `${'n'.repeat(250)}.txt`), 'a long path\n');
  writeFileSync(join(root, 'script.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'script.sh'), 0o751);
  mkdirSync(join(root, 'private'), { mode: 0o700 });
  writeFileSync(join(root, 'private', 'secret.txt'), 'only mine\n', { mode: 0o600 });
  utimesSync(join(root, 'notes.txt'), new Date('2001-02-03T04:05:06.789Z'), new Date('2001-02-03T04:05:06.789Z'));
  utimesSync(join(root, 'private'), new Date('2010-01-01T00:00:00Z'), new Date('2010-01-01T00:00:00Z'));
  execFileSync('mkfifo', [join(root, 'a-fifo')]);
}

export interface TreeFacts {
  [path: string]: string;
}

/** What must survive a restore, per path: type, content hash, mode, owner, mtime (µs), link target. */
export function describeTree(root: string, skipFifo = true): TreeFacts {
  const facts: TreeFacts = {};
  const inodes = new Map<number, string>();
  const visit = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(abs, { bigint: true });
      const common = `mode=${(st.mode & 0o7777n).toString(8)} uid=${st.uid} gid=${st.gid}`;
      const mtime = `mtime=${st.mtimeNs / 1000n}`;
      if (st.isFIFO()) {
        if (!skipFifo) facts[path] = 'fifo';
      } else if (st.isSymbolicLink()) facts[path] = `symlink -> ${readlinkSync(abs)}`;
      else if (st.isDirectory()) {
        facts[path] = `dir ${common} ${mtime}`;
        visit(abs, path);
      } else {
        const hash = createHash('sha256').update(readFileSync(abs)).digest('hex');
        const first = inodes.get(Number(st.ino));
        if (!first) inodes.set(Number(st.ino), path);
        facts[path] = `file ${hash} size=${st.size} ${common} ${mtime}${st.nlink > 1n ? ` links=${st.nlink} same-as=${first ?? path}` : ''}`;
      }
    }
  };
  visit(root, '');
  return facts;
}

/** Allocated bytes of a file: a sparse file keeps its holes after restore. */
export function allocatedBytes(path: string): number {
  return lstatSync(path).blocks * 512;
}
