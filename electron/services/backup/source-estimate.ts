import type { Estimate } from '../../../shared/api/contract';
import { compileExclusions, type ExclusionRules } from '../../../shared/backup/exclusions';
import { nameSources, walkSources } from './source-walker';

/** Staging needs the data's size plus room for metadata; compression usually gives back much more. */
const METADATA_MARGIN = 1.05;
const MAX_PROBLEMS = 100;

/** Walks the sources as a backup would (same exclusions, no links followed) and adds up what it would read. */
export async function estimateSources(sources: readonly string[], rules: ExclusionRules, skip: readonly string[]): Promise<Estimate> {
  const estimate: Estimate = { files: 0, folders: 0, bytes: 0, excluded: 0, problems: [], stagingBytesNeeded: 0 };
  for await (const item of walkSources(nameSources(sources), compileExclusions(rules), skip)) {
    if (item.kind === 'excluded') estimate.excluded += 1;
    else if (item.kind === 'problem') {
      if (estimate.problems.length < MAX_PROBLEMS) estimate.problems.push({ path: item.absPath, reason: item.reason });
    } else if (item.stat.isDirectory()) estimate.folders += 1;
    else if (item.stat.isFile()) {
      estimate.files += 1;
      estimate.bytes += Number(item.stat.size);
    }
  }
  estimate.stagingBytesNeeded = Math.ceil(estimate.bytes * METADATA_MARGIN);
  return estimate;
}
