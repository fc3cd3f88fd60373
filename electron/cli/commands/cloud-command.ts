import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CloudProfileSchema, type CloudProfile } from '../../../shared/azure/cloud-profile';
import { formatDecimalBytes } from '../../../shared/drives/format-bytes';
import { localCloudAdmin } from '../../services/azure/local-cloud-admin';
import { resolveDataDir } from '../../services/system/data-dir';
import { LOCAL_CLOUD_ENTRY } from '../app-root';
import { UsageError } from '../cli-errors';

export const CLOUD_HELP = `Usage: seedship cloud <start|status|clock|approve-sign-in|receive> [options]

The local cloud: Azure's identity, Resource Manager (Import/Export, Storage, Resources, Graph) and
blob storage on 127.0.0.1, for rehearsing the whole journey without Azure.

  seedship cloud start [--port-base N]        run it in the foreground (Ctrl-C stops it)
  seedship cloud status                       print its endpoints if it is running
  seedship cloud clock [--advance 15d]        show or move the cloud's clock (two weeks in a second)
  seedship cloud approve-sign-in --code C --user U --password P
                                              finish a device-code sign-in without a browser
  seedship cloud receive --job NAME --drive PATH[=SERIAL] [--drive ...] [--resource-group RG]
                                              play the datacenter: receive the job's package, unlock
                                              and copy each drive into the storage account (root)

  --data-dir DIR  Seedship's data folder (the cloud lives in DIR/localcloud)`;

export async function cloudCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      'port-base': { type: 'string' },
      advance: { type: 'string' },
      code: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      job: { type: 'string' },
      drive: { type: 'string', multiple: true },
      'resource-group': { type: 'string' },
    },
    strict: true,
  });
  const cloudDir = join(resolveDataDir(values['data-dir']), 'localcloud');
  switch (sub) {
    case 'start':
      return runForeground(cloudDir, values['port-base']);
    case 'status': {
      const profile = readProfile(cloudDir);
      const clock = await localCloudAdmin<{ now: string }>(profile, 'GET', '/clock');
      process.stdout.write(`identity ${profile.authority}\narm      ${profile.armEndpoint}\nclock    ${clock.now}\n`);
      return 0;
    }
    case 'clock': {
      const profile = readProfile(cloudDir);
      const result = values.advance
        ? await localCloudAdmin<{ now: string; offsetMs: number }>(profile, 'POST', '/clock', { advance: values.advance })
        : await localCloudAdmin<{ now: string; offsetMs: number }>(profile, 'GET', '/clock');
      process.stdout.write(`The local cloud's clock reads ${result.now} (${(result.offsetMs / 86_400_000).toFixed(2)} days ahead).\n`);
      return 0;
    }
    case 'approve-sign-in': {
      if (!values.code || !values.user || !values.password) throw new UsageError('approve-sign-in needs --code, --user and --password.');
      await localCloudAdmin(readProfile(cloudDir), 'POST', '/device-codes/approve', { userCode: values.code, username: values.user, password: values.password });
      process.stdout.write(`Sign-in ${values.code} approved for ${values.user}.\n`);
      return 0;
    }
    case 'receive': {
      if (!values.job || !values.drive?.length) throw new UsageError('receive needs --job and at least one --drive.');
      readProfile(cloudDir);
      const args = ['receive', '--data-dir', cloudDir, '--job', values.job, '--json', ...values.drive.flatMap((d) => ['--drive', d])];
      if (values['resource-group']) args.push('--resource-group', values['resource-group']);
      return runReceive(args);
    }
    default:
      throw new UsageError(sub ? `unknown cloud command "${sub}".` : 'say which cloud command to run.');
  }
}

function readProfile(cloudDir: string): CloudProfile {
  const path = join(cloudDir, 'profile.json');
  if (!existsSync(path)) throw new UsageError(`No local cloud has run in ${cloudDir}: start it with \`seedship cloud start\`.`);
  return CloudProfileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

function runForeground(cloudDir: string, portBase: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [LOCAL_CLOUD_ENTRY, 'start', '--data-dir', cloudDir, ...(portBase ? ['--port-base', portBase] : [])], { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code) => resolve(code ?? 0));
  });
}

/** What `localcloud receive --json` prints: the datacenter's receipt for the package, or why it refused. */
interface ReceiveReceipt {
  job?: string;
  state?: string;
  missing?: string[];
  drives?: { driveId: string; device: string; state: string; status: string; message: string | null; blobs: number; blobsFailed: number; bytesSucceeded: number; errorLogUri?: string; verboseLogUri?: string }[];
  error?: { code: string; message: string };
}

/** Runs the local cloud's datacenter (its progress goes straight to our stderr) and prints each drive's result. */
function runReceive(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOCAL_CLOUD_ENTRY, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      let receipt: ReceiveReceipt;
      try {
        receipt = JSON.parse(out) as ReceiveReceipt;
      } catch {
        resolve(code || 1);
        return;
      }
      if (!receipt.error) {
        const lines: string[] = [];
        for (const d of receipt.drives ?? []) {
          lines.push(`Drive ${d.driveId} (${d.device}): ${d.state}, ${d.status}: ${d.blobs - d.blobsFailed} of ${d.blobs} blobs, ${formatDecimalBytes(d.bytesSucceeded)} copied`);
          if (d.message) lines.push(`  ${d.message}`);
          if (d.errorLogUri) lines.push(`  error log:   ${d.errorLogUri}`);
          if (d.verboseLogUri) lines.push(`  verbose log: ${d.verboseLogUri}`);
        }
        if (receipt.missing?.length) lines.push(`Not in the package: ${receipt.missing.join(', ')}`);
        lines.push(`Import job ${receipt.job ?? '?'}: ${receipt.state ?? '?'}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      resolve(code ?? 1);
    });
  });
}
