import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDecimalBytes } from '../../../shared/drives/format-bytes';
import { createAppServices } from '../../services/app-services';
import { resolveDataDir } from '../../services/system/data-dir';
import { appVersion, LOCAL_CLOUD_ENTRY, WORKER_DIR } from '../app-root';
import { UsageError } from '../cli-errors';
import { followTask } from '../follow-task';
import { readPassphraseFile } from '../passphrase-file';

export const RESTORE_HELP = `Usage: seedship restore --staging DIR --to DIR [--snapshot ID] [--path P...]
                        [--passphrase-file FILE] [--list] [--data-dir DIR]

Restores a snapshot (the latest unless --snapshot) from a staging folder into --to, bit for bit,
with permissions, owners (as root) and times. Each source comes back as a folder named after it.
Existing files are never overwritten. --path restores only those snapshot paths (such as
documents/reports); --list shows the snapshots instead.`;

export async function restoreCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      staging: { type: 'string' },
      to: { type: 'string' },
      snapshot: { type: 'string' },
      path: { type: 'string', multiple: true },
      'passphrase-file': { type: 'string' },
      list: { type: 'boolean' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  if (!values.staging) throw new UsageError('give the --staging folder.');
  if (!values.list && !values.to) throw new UsageError('give the folder to restore --to.');
  const app = createAppServices({ dataDir: resolveDataDir(values['data-dir']), transport: 'cli', version: appVersion(), localCloudEntry: LOCAL_CLOUD_ENTRY, workerDir: WORKER_DIR });
  try {
    const passphrase = values['passphrase-file'] ? await readPassphraseFile(values['passphrase-file']) : undefined;
    const staging = resolve(values.staging);
    if (values.list) {
      for (const s of await app.backups.snapshots(staging, passphrase)) {
        process.stdout.write(`${s.id}  ${s.createdAt}  ${s.files} files  ${formatDecimalBytes(s.bytes)}  job ${s.jobName ?? '—'}  ${s.sources.join(', ')}\n`);
      }
      return 0;
    }
    return await followTask(app, 'restore', () =>
      app.backups.restore({
        stagingPath: staging,
        to: resolve(values.to as string),
        ...(values.snapshot ? { snapshotId: values.snapshot } : {}),
        ...(values.path ? { paths: values.path } : {}),
        ...(passphrase ? { passphrase } : {}),
      }),
    );
  } finally {
    await app.close();
  }
}
