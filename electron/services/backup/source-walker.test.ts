import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileExclusions } from '../../../shared/backup/exclusions';
import { nameSources, startWalk, walkSources, type WalkItem } from './source-walker';

const WALK_WORKER = resolve(__dirname, '..', '..', '..', 'dist', 'workers', 'walk-worker.mjs');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Everything a backup reads of an item, in a comparable form. */
function describeItem(item: WalkItem): unknown {
  if (item.kind !== 'entry') return item;
  const s = item.stat;
  const kinds = [s.isFile(), s.isDirectory(), s.isSymbolicLink(), s.isFIFO(), s.isSocket(), s.isBlockDevice(), s.isCharacterDevice()];
  return { ...item, stat: [s.dev, s.ino, s.mode, s.nlink, s.uid, s.gid, s.size, s.blocks, s.atimeNs, s.mtimeNs, s.ctimeNs].map(String), kinds };
}

async function collect(items: AsyncIterable<WalkItem | WalkItem[]>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of items) for (const one of Array.isArray(item) ? item : [item]) out.push(describeItem(one));
  return out;
}

describe('the walk of the backup sources', () => {
  it('gives the same items, stats and order off the main thread as on it, across many batches', async () => {
    const root = mkdtempSync(join(tmpdir(), 'seedship-walk-'));
    dirs.push(root);
    for (let d = 0; d < 6; d += 1) {
      mkdirSync(join(root, `d${d}`, 'deeper'), { recursive: true });
      for (let f = 0; f < 300; f += 1) writeFileSync(join(root, `d${d}`, `f${f}.txt`), 'x'.repeat(f));
    }
    writeFileSync(join(root, 'skip.tmp'), 'excluded');
    writeFileSync(join(root, 'ünïcødé name'), '');
    symlinkSync('d0/f1.txt', join(root, 'link'));
    execFileSync('mkfifo', [join(root, 'pipe')]);
    // A name that isn't UTF-8 can't be backed up faithfully: reported, identically, by both walks.
    writeFileSync(Buffer.from(`${root}/bad-\xff`, 'latin1'), '');
    const sources = nameSources([root, join(root, 'missing')]);
    const rules = { patterns: ['*.tmp'], fileTypes: [] };
    const skip = [join(root, 'd5')];

    // Reading a folder can update its access time once (relatime): walk once before comparing.
    await collect(walkSources(sources, compileExclusions(rules), skip));
    const here = await collect(walkSources(sources, compileExclusions(rules), skip));
    const there = await collect(startWalk(WALK_WORKER, sources, rules, skip).batches);
    const fallback = await collect(startWalk(join(root, 'no-such-worker.mjs'), sources, rules, skip).batches);
    expect(here.length).toBeGreaterThan(1500);
    expect(there).toEqual(here);
    expect(fallback).toEqual(here);
    expect(here).toContainEqual(expect.objectContaining({ kind: 'excluded', rule: expect.stringContaining('*.tmp') }));
    expect(here).toContainEqual(expect.objectContaining({ kind: 'problem', reason: 'it does not exist' }));
    expect(here).toContainEqual(expect.objectContaining({ kind: 'problem', reason: expect.stringContaining('not valid UTF-8') }));
    expect(here).toContainEqual(expect.objectContaining({ kind: 'entry', path: `${sources[0]?.name}/pipe`, kinds: [false, false, false, true, false, false, false] }));
  });

  it('stops the walk worker when the backup stops reading early, or never reads', async () => {
    const root = mkdtempSync(join(tmpdir(), 'seedship-walk-'));
    dirs.push(root);
    for (let f = 0; f < 3000; f += 1) writeFileSync(join(root, `f${f}`), '');
    let seen = 0;
    const unread = startWalk(WALK_WORKER, nameSources([root]), { patterns: [], fileTypes: [] }, []);
    await unread.stop();
    walk: for await (const batch of startWalk(WALK_WORKER, nameSources([root]), { patterns: [], fileTypes: [] }, []).batches) {
      for (const item of batch) {
        if (item.kind === 'entry') seen += 1;
        if (seen === 10) break walk;
      }
    }
    expect(seen).toBe(10);
  });
});
