import { writeFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importJobNameProblem, stagingLocationProblem } from '../../../shared/azure/naming-rules';
import { exclusionProblem } from '../../../shared/backup/exclusions';
import { formatDecimalBytes } from '../../../shared/drives/format-bytes';
import { createAppServices } from '../../services/app-services';
import { resolveDataDir } from '../../services/system/data-dir';
import { appVersion, LOCAL_CLOUD_ENTRY, WORKER_DIR } from '../app-root';
import { UsageError } from '../cli-errors';
import { readPassphraseFile } from '../passphrase-file';
import { progressPrinter } from '../progress-line';

export const BACKUP_HELP = `Usage: seedship backup --source DIR [--source DIR...] --staging DIR --job NAME
                       [--passphrase-file FILE] [--exclude PATTERN...] [--exclude-type EXT...]
                       [--subscription ID --storage-account NAME --container NAME]
                       [--stats-json FILE] [--data-dir DIR]

Backs up the sources into the staging folder: chunked, deduplicated, compressed (zstd) and
encrypted with a key derived from the passphrase. The first backup into an empty staging folder
creates the encrypted repository; later ones store only what changed. Staging then holds what disk
prep copies to the import drives (seedship-staging.json describes the job).

  --passphrase-file  a file whose last line is the passphrase (at least 16 characters); without it
                     the passphrase saved by the app's wizard is used
  --exclude          a glob such as '*.tmp' or '**/node_modules' (repeatable)
  --exclude-type     a file type such as .iso (repeatable)
  --stats-json       write timing, memory and event-loop figures as JSON (used by npm run bench)`;

export async function backupCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      source: { type: 'string', multiple: true },
      staging: { type: 'string' },
      job: { type: 'string' },
      'passphrase-file': { type: 'string' },
      exclude: { type: 'string', multiple: true },
      'exclude-type': { type: 'string', multiple: true },
      subscription: { type: 'string' },
      'storage-account': { type: 'string' },
      container: { type: 'string' },
      'stats-json': { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  const sources = (values.source ?? []).map((s) => resolve(s));
  if (sources.length === 0) throw new UsageError('give at least one --source folder.');
  if (!values.staging) throw new UsageError('give the --staging folder.');
  const stagingProblem = stagingLocationProblem(resolve(values.staging));
  if (stagingProblem) throw new UsageError(`--staging: ${stagingProblem}`);
  if (!values.job) throw new UsageError('give the import --job name.');
  const jobProblem = importJobNameProblem(values.job);
  if (jobProblem) throw new UsageError(`--job: ${jobProblem}`);
  const patterns = values.exclude ?? [];
  const fileTypes = values['exclude-type'] ?? [];
  for (const p of patterns) {
    const problem = exclusionProblem('pattern', p);
    if (problem) throw new UsageError(`--exclude: ${problem}`);
  }
  for (const t of fileTypes) {
    const problem = exclusionProblem('fileType', t);
    if (problem) throw new UsageError(`--exclude-type: ${problem}`);
  }

  const app = createAppServices({ dataDir: resolveDataDir(values['data-dir']), transport: 'cli', version: appVersion(), localCloudEntry: LOCAL_CLOUD_ENTRY, workerDir: WORKER_DIR });
  const LAG_RESOLUTION_MS = 10;
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  try {
    const passphrase = values['passphrase-file'] ? await readPassphraseFile(values['passphrase-file']) : app.plans.passphrase();
    if (!passphrase) throw new UsageError('give --passphrase-file (no passphrase is saved in this app).');
    const started = performance.now();
    const printer = progressPrinter(process.stderr);
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    lag.enable();
    const counters = { filesDone: 0, filesTotal: null as number | null, bytesDone: 0, bytesTotal: null as number | null, bytesWritten: 0, rate: 0, etaSeconds: null as number | null };
    const result = await app.backups
      .backUp(
        {
          sources,
          exclusions: { patterns, fileTypes },
          stagingPath: resolve(values.staging),
          jobName: values.job,
          passphrase,
          azure: { subscriptionId: values.subscription ?? null, storageAccount: values['storage-account'] ?? null, container: values.container ?? null, resourceGroup: null, location: null },
        },
        {
          signal: controller.signal,
          warn: () => undefined, // listed from the result at the end
          update: (c, file) => {
            Object.assign(counters, c);
            const elapsed = (performance.now() - started) / 1000;
            counters.rate = elapsed > 0 ? counters.bytesDone / elapsed : 0;
            counters.etaSeconds = counters.bytesTotal !== null && counters.rate > 0 ? (counters.bytesTotal - counters.bytesDone) / counters.rate : null;
            printer.update(counters, file ?? null);
          },
        },
      )
      .finally(() => {
        lag.disable();
        printer.done();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      });
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `Snapshot ${result.snapshotId}: ${result.files} files, ${formatDecimalBytes(result.bytes)} read in ${seconds.toFixed(1)} s (${formatDecimalBytes(result.bytes / Math.max(seconds, 0.001))}/s), ${formatDecimalBytes(result.bytesWritten)} written to staging.\n`,
    );
    if (result.unchangedFiles > 0) process.stdout.write(`${result.unchangedFiles} unchanged files were not read again.\n`);
    if (result.warningCount > 0) {
      process.stdout.write(`${result.warningCount} items need attention:\n`);
      for (const w of result.warnings) process.stdout.write(`  ${w.path}: ${w.reason}\n`);
    }
    if (values['stats-json']) {
      const stats = {
        seconds,
        bytesBackedUp: result.bytes,
        bytesRead: result.bytesRead,
        bytesWritten: result.bytesWritten,
        files: result.files,
        unchangedFiles: result.unchangedFiles,
        warnings: result.warningCount,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
        // The histogram holds the intervals between 10 ms timer ticks: lateness is the excess.
        eventLoopLagP99Ms: Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS),
        eventLoopLagMaxMs: Math.max(0, lag.max / 1e6 - LAG_RESOLUTION_MS),
      };
      await writeFile(values['stats-json'], `${JSON.stringify(stats, null, 2)}\n`);
    }
    return 0;
  } finally {
    await app.close();
  }
}
