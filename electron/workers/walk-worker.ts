import { parentPort, workerData } from 'node:worker_threads';
import { compileExclusions, type ExclusionRules } from '../../shared/backup/exclusions';
import { PACKED_STAT_SLOTS, packStat, takeBatch, walkTree, type WalkItem, type WalkSource } from './backup/tree-walk';
import { WALK_AHEAD_BATCHES, WALK_BATCH_ITEMS, WALK_KIND, type WalkBatch, type WalkRequest } from './backup/walk-protocol';

/**
 * Walks a backup's sources on its own thread: the lstat of every file is most of a no-change
 * backup's cost, and here it runs beside the coordinator's comparison with the catalog instead of
 * before it. Sends the walk in batches, at most a few ahead of what the coordinator has taken.
 */
const port = parentPort;
if (!port) throw new Error('walk-worker must run as a worker thread.');
const { sources, rules, skip } = workerData as { sources: WalkSource[]; rules: ExclusionRules; skip: string[] };
const items = walkTree(sources, compileExclusions(rules), skip);
let credit = WALK_AHEAD_BATCHES;
let done = false;

port.on('message', (message: WalkRequest) => {
  if (message.type === 'more') {
    credit += 1;
    send();
  }
});
send();

function send(): void {
  while (credit > 0 && !done) {
    credit -= 1;
    const { batch: taken, done: over } = takeBatch(items, WALK_BATCH_ITEMS);
    done = over;
    const { batch, transfer } = encode(taken, done);
    port?.postMessage(batch, transfer);
  }
}

function encode(taken: WalkItem[], last: boolean): { batch: WalkBatch; transfer: ArrayBuffer[] } {
  const entries = taken.reduce((n, item) => n + (item.kind === 'entry' ? 1 : 0), 0);
  const stats = new ArrayBuffer(entries * PACKED_STAT_SLOTS * 8);
  const signed = new BigInt64Array(stats);
  const unsigned = new BigUint64Array(stats);
  const kinds = new Uint8Array(taken.length);
  const texts: string[] = [];
  let slot = 0;
  taken.forEach((item, i) => {
    texts.push(item.absPath);
    if (item.kind === 'entry') {
      kinds[i] = WALK_KIND.entry;
      texts.push(item.path);
      packStat(item.stat, signed, unsigned, slot);
      slot += 1;
    } else if (item.kind === 'excluded') {
      kinds[i] = WALK_KIND.excluded;
      texts.push(item.rule);
    } else {
      kinds[i] = WALK_KIND.problem;
      texts.push(item.reason);
    }
  });
  return { batch: { type: 'items', kinds, texts, stats, last }, transfer: [stats, kinds.buffer] };
}
