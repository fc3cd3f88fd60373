import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { CompiledExclusions, ExclusionRules } from '../../../shared/backup/exclusions';
import { compileExclusions } from '../../../shared/backup/exclusions';
import { PackedStat, takeBatch, walkTree, type WalkItem, type WalkSource } from '../../workers/backup/tree-walk';
import { WALK_BATCH_ITEMS, WALK_KIND, type WalkBatch, type WalkRequest } from '../../workers/backup/walk-protocol';

export { nameSources, readProblem, type FileStat, type WalkItem, type WalkSource } from '../../workers/backup/tree-walk';

/** The walk on this thread (the wizard's estimate; a backup without the built walk worker). */
export async function* walkSources(sources: readonly WalkSource[], exclusions: CompiledExclusions, skip: readonly string[] = []): AsyncGenerator<WalkItem> {
  yield* walkTree(sources, exclusions, skip);
}

/** A walk under way: its items in batches, and a way to stop it whether or not it was read. */
export interface Walk {
  batches: AsyncIterable<WalkItem[]>;
  stop(): Promise<void>;
}

/**
 * Starts the walk on its own thread (walk-worker.mjs beside the other built workers) at once, so
 * the worker boots while the backup opens its catalog, and a backup's comparison with the catalog
 * runs while the next files are being stat'ed. Items come in batches (an await per item would cost
 * more than a no-change backup spends on most items). Falls back to this thread when the worker
 * isn't built (bare test setups). `stop` ends the worker early; reading to the end ends it too.
 */
export function startWalk(workerEntry: string, sources: readonly WalkSource[], rules: ExclusionRules, skip: readonly string[]): Walk {
  if (!existsSync(workerEntry)) return { batches: batchesHere(sources, rules, skip), stop: async () => undefined };
  const worker = new Worker(workerEntry, { workerData: { sources, rules, skip }, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
  const batches: WalkBatch[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (batch: WalkBatch) => {
    batches.push(batch);
    notify();
  });
  worker.on('error', (error) => {
    failure = error;
    notify();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`The folder walk stopped unexpectedly (exit code ${code}).`);
    notify();
  });
  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      worker.removeAllListeners('exit');
      await worker.terminate();
    })();
    return stopped;
  };
  async function* read(): AsyncGenerator<WalkItem[]> {
    try {
      for (;;) {
        while (batches.length === 0 && !failure) await new Promise<void>((resolve) => (wake = resolve));
        const batch = batches.shift();
        if (!batch) throw failure ?? new Error('The folder walk stopped.');
        if (!batch.last) worker.postMessage({ type: 'more' } satisfies WalkRequest);
        yield decode(batch);
        if (batch.last) return;
      }
    } finally {
      await stop();
    }
  }
  return { batches: read(), stop };
}

async function* batchesHere(sources: readonly WalkSource[], rules: ExclusionRules, skip: readonly string[]): AsyncGenerator<WalkItem[]> {
  const items = walkTree(sources, compileExclusions(rules), skip);
  for (;;) {
    const { batch, done } = takeBatch(items, WALK_BATCH_ITEMS);
    if (batch.length > 0) yield batch;
    if (done) return;
  }
}

function decode(batch: WalkBatch): WalkItem[] {
  const signed = new BigInt64Array(batch.stats);
  const unsigned = new BigUint64Array(batch.stats);
  const items: WalkItem[] = [];
  let slot = 0;
  for (let i = 0; i < batch.kinds.length; i += 1) {
    const absPath = batch.texts[2 * i] as string;
    const text = batch.texts[2 * i + 1] as string;
    const kind = batch.kinds[i];
    if (kind === WALK_KIND.entry) {
      items.push({ kind: 'entry', absPath, path: text, stat: new PackedStat(signed, unsigned, slot) });
      slot += 1;
    } else if (kind === WALK_KIND.excluded) items.push({ kind: 'excluded', absPath, rule: text });
    else items.push({ kind: 'problem', absPath, reason: text });
  }
  return items;
}
