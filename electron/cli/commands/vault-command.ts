import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDecimalBytes } from '../../../shared/drives/format-bytes';
import { describeLastRun, describeNextRun, type ScheduleStatus } from '../../../shared/schedule/schedule-api';
import type { VaultStatus } from '../../../shared/vault/vault-api';
import { createAppServices } from '../../services/app-services';
import { resolveDataDir } from '../../services/system/data-dir';
import { appVersion, LOCAL_CLOUD_ENTRY, WORKER_DIR } from '../app-root';
import { UsageError } from '../cli-errors';
import { followTask } from '../follow-task';
import { readPassphraseFile } from '../passphrase-file';

export const VAULT_HELP = `Usage: seedship vault status  [--job NAME] [--staging DIR] [--vault NAME] [--json]
       seedship vault seed    [--job NAME] [--staging DIR] [--vault NAME] [--passphrase-file FILE]
       seedship vault backup  [--job NAME] [--staging DIR] [--source DIR...] [--passphrase-file FILE]
       seedship vault restore --to DIR [--job NAME] [--snapshot ID] [--path P...] [--passphrase-file FILE]
       seedship vault restore --list [--job NAME] [--passphrase-file FILE]
       seedship vault cleanup --confirm NAME [--job NAME]
       (each also takes --data-dir DIR)

After the import job is Completed, the vault is seeded from the job's storage container by a
server-side copy (nothing passes through this machine), then verified: every blob whole, every pack's
header matching its name, and every chunk of the newest snapshot present. Later backups send only
their new packs over the network. Restore needs only the vault and the passphrase.

  status   the import job's state, the vault, the seed and what to do next; the next scheduled run
           (will seed, incremental, or waiting for the import job) and how the last one went
  seed     copy and verify the seed (refused until the job is Completed)
  backup   "Run now": seeds first if needed, then backs up the sources (the plan's, or those of the
           last snapshot) and sends only the new packs to the vault
  restore  restore the newest snapshot (or --snapshot), or only --path entries, from the vault
  cleanup  delete the import container's seed blobs and the staging repository; only after a
           verified seed, and only with the job name typed again as --confirm

--job defaults to the wizard plan's import job; --staging is needed only until the vault is seeded.
Sign in first with \`seedship auth login\`.`;

export async function vaultCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (!action || !['status', 'seed', 'backup', 'restore', 'cleanup'].includes(action)) throw new UsageError('say what to do: status, seed, backup, restore or cleanup.');
  const { values } = parseArgs({
    args: rest,
    options: {
      job: { type: 'string' },
      staging: { type: 'string' },
      vault: { type: 'string' },
      source: { type: 'string', multiple: true },
      to: { type: 'string' },
      snapshot: { type: 'string' },
      path: { type: 'string', multiple: true },
      list: { type: 'boolean' },
      confirm: { type: 'string' },
      json: { type: 'boolean' },
      'passphrase-file': { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  if (action === 'restore' && !values.list && !values.to) throw new UsageError('give the folder to restore --to (or --list).');
  if (action === 'cleanup' && values.confirm === undefined) throw new UsageError('type the import job name as --confirm NAME: clean-up deletes the import container data and staging.');
  const app = createAppServices({ dataDir: resolveDataDir(values['data-dir']), transport: 'cli', version: appVersion(), localCloudEntry: LOCAL_CLOUD_ENTRY, workerDir: WORKER_DIR });
  try {
    const passphrase = values['passphrase-file'] ? await readPassphraseFile(values['passphrase-file']) : undefined;
    const target = {
      ...(values.job ? { jobName: values.job } : {}),
      ...(values.staging ? { stagingPath: resolve(values.staging) } : {}),
      ...(values.vault ? { vault: values.vault } : {}),
      ...(passphrase ? { passphrase } : {}),
    };
    switch (action) {
      case 'status': {
        const status = await app.services.vault.status(target);
        const schedule = await app.services.schedule.status({});
        process.stdout.write(values.json ? `${JSON.stringify({ ...status, schedule }, null, 2)}\n` : describeStatus(status) + describeSchedule(schedule));
        return 0;
      }
      case 'seed':
        return await followTask(app, 'vault', () => app.services.vault.seed(target));
      case 'backup':
        return await followTask(app, 'vault', () => app.services.vault.backup({ ...target, ...(values.source ? { sources: values.source.map((s) => resolve(s)) } : {}) }));
      case 'restore':
        if (values.list) {
          for (const s of await app.services.vault.snapshots(target)) process.stdout.write(`${s.id}  ${s.createdAt}  ${s.files} files  ${formatDecimalBytes(s.bytes)}  ${s.sources.join(', ')}\n`);
          return 0;
        }
        return await followTask(app, 'vault', () =>
          app.services.vault.restore({
            ...target,
            to: resolve(values.to as string),
            ...(values.snapshot ? { snapshotId: values.snapshot } : {}),
            ...(values.path ? { paths: values.path } : {}),
          }),
        );
      default:
        return await followTask(app, 'vault', () => app.services.vault.cleanup({ ...(values.job ? { jobName: values.job } : {}), confirm: values.confirm as string }));
    }
  } finally {
    await app.close();
  }
}


function describeStatus(s: VaultStatus): string {
  const lines = [
    `Import job:  ${s.jobName ?? '—'} (${s.importJobState ?? 'state unknown'})`,
    `Staging:     ${s.stagingPath ?? '—'}${s.stagingPath ? (s.stagingPresent ? '' : ' (no repository there)') : ''}`,
    `Vault:       ${s.vault ? `${s.vault.name} (container ${s.vault.container})` : '—'}`,
  ];
  if (s.seed) {
    lines.push(`Seed:        ${s.seed.state}${s.seed.verifiedAt ? `, verified ${s.seed.verifiedAt}` : ''}; snapshot ${s.seed.snapshotId ?? '—'}; ${s.seed.blobs} blobs, ${formatDecimalBytes(s.seed.bytes)}`);
    for (const p of s.seed.problems) lines.push(`             ${p}`);
    const u = s.seed.lastUpload;
    if (u) lines.push(`Last backup: ${u.at}: snapshot ${u.snapshotId}, ${u.packs} new packs (${u.chunks} chunks), ${formatDecimalBytes(u.bytes)} sent`);
    if (s.seed.cleanedUpAt) lines.push(`Cleaned up:  ${s.seed.cleanedUpAt}`);
  }
  for (const p of s.problems) lines.push(`Problem:     ${p}`);
  lines.push(`Next:        ${s.next}`);
  return `${lines.join('\n')}\n`;
}

/** The schedule's lines: the next run (run by the desktop app or the headless host, not by this command) and the last. */
function describeSchedule(s: ScheduleStatus): string {
  const local = (iso: string) => new Date(iso).toLocaleString();
  const lines = [describeNextRun(s, local)];
  if (s.schedule) lines.push(`             (${s.schedule.days.join(' ')} at ${s.schedule.times.join(', ')}, ${s.timeZone}; run by the Seedship app or \`seedship start\` while it runs)`);
  if (s.completed) lines.push(`             ${s.completed.message}`);
  if (s.waiting) lines.push(`             ${s.waiting}`);
  lines.push(s.lastRun ? describeLastRun(s.lastRun, local) : 'Last scheduled run: none yet');
  if (s.lastRun?.retention) lines.push(`             ${s.lastRun.retention}`);
  return `${lines.join('\n')}\n`;
}
