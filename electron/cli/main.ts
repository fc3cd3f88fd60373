import { SeedshipError } from '../../shared/api/errors';
import { appVersion } from './app-root';
import { UsageError } from './cli-errors';
import { authCommand, AUTH_HELP } from './commands/auth-command';
import { backupCommand, BACKUP_HELP } from './commands/backup-command';
import { cloudCommand, CLOUD_HELP } from './commands/cloud-command';
import { diskprepCommand, DISKPREP_HELP } from './commands/diskprep-command';
import { drivesCommand, DRIVES_HELP } from './commands/drives-command';
import { jobsCommand, JOBS_HELP } from './commands/jobs-command';
import { restoreCommand, RESTORE_HELP } from './commands/restore-command';
import { startCommand, START_HELP } from './commands/start-command';
import { volumeCommand, VOLUME_HELP } from './commands/volume-command';
import { vaultCommand, VAULT_HELP } from './commands/vault-command';

interface Command {
  summary: string;
  help: string;
  run: (argv: string[]) => Promise<number>;
}

/** Every subcommand; later capabilities (backup, diskprep, jobs, cloud) register here. */
const COMMANDS: Record<string, Command> = {
  start: { summary: 'start the app (Electron, or the headless host where Electron can’t run)', help: START_HELP, run: startCommand },
  drives: { summary: 'list drives and whether each can be prepared', help: DRIVES_HELP, run: drivesCommand },
  auth: { summary: 'sign in to Azure or the local cloud (device code), show who is signed in, sign out', help: AUTH_HELP, run: authCommand },
  backup: { summary: 'back up folders into a staging folder (encrypted, deduplicated, compressed)', help: BACKUP_HELP, run: backupCommand },
  restore: { summary: 'restore a snapshot, or chosen files, from a staging folder', help: RESTORE_HELP, run: restoreCommand },
  cloud: { summary: 'run and control the local cloud (rehearsal Azure on 127.0.0.1)', help: CLOUD_HELP, run: cloudCommand },
  diskprep: { summary: 'prepare import drives from a staging folder (BitLocker, manifests, spanning, resume) and create the import job', help: DISKPREP_HELP, run: diskprepCommand },
  jobs: { summary: 'follow import jobs: state, drives, tracking deadline, tracking number, return shipping, logs, cancel, delete', help: JOBS_HELP, run: jobsCommand },
  volume: { summary: 'prepare a drive (NTFS + BitLocker + the source files) or verify one with its recovery password', help: VOLUME_HELP, run: volumeCommand },
  vault: { summary: 'seed the vault from the completed import job, back up to it incrementally, restore from it, clean up', help: VAULT_HELP, run: vaultCommand },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Seedship ${appVersion()}: seed an Azure Backup vault with your own disks.

Usage: seedship <command> [options]

Commands:
${lines.join('\n')}

Run \`seedship <command> --help\` for a command's options.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' && rest[0] ? COMMANDS[rest[0]] : undefined;
    process.stdout.write(`${topic ? topic.help : mainHelp()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${appVersion()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`seedship: unknown command "${name}".\n\n${mainHelp()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`seedship ${name}: ${(error as Error).message}\n\n${command.help}\n`);
      return 2;
    }
    if (error instanceof SeedshipError) {
      process.stderr.write(`seedship ${name}: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`seedship ${name}: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  }
}
