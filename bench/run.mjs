// `npm run bench`: every benchmark, each printing its figures and ratios against its peer.
import { spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';

execFileSync(process.execPath, ['scripts/build.mjs', 'node'], { stdio: 'inherit' });
let failed = 0;
for (const bench of ['bench/localcloud-bench.mjs', 'bench/backup-bench.mjs', 'bench/xts-bench.mjs', 'bench/diskprep-bench.mjs']) {
  const run = spawnSync(process.execPath, [bench], { stdio: 'inherit' });
  if (run.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
