import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DeskClient } from './desk-client';
import { openVolumes } from './drive-intake';
import { PackageRefused, receivePackage, type PackageDrive, type PackageReceipt } from './package-intake';

export const RECEIVE_HELP = `Usage: localcloud receive --data-dir DIR --job NAME --drive PATH[=SERIAL] [--drive ...] [--resource-group RG] [--json]

Plays the Import/Export datacenter for a running local cloud: marks the job's package received, then
for each drive unlocks BitLocker with the job's key (dislocker), reads the NTFS (ntfs-3g), checks the
manifest against the job's manifestHash and every block against its MD5, copies the blobs into the
job's storage account, writes the copy logs to the diagnostics container, and moves the drives and
the job through to Completed, or CompletedMoreInfo and Closed. Needs root (it reads the drives and
mounts them with FUSE, read-only).

  --drive PATH[=SERIAL]  a drive of the package; its serial is read from the drive (loop devices and
                         image files: the LOOP-/IMG- stand-in) unless given after "="
  --resource-group RG    when several resource groups hold a job of that name
  --json                 print the receipt as JSON

Exit codes: 0 the package was processed (whatever each drive's result), 1 refused or failed, 2 usage.`;

/** `localcloud receive`: the datacenter, run against the local cloud whose data folder is given. */
export async function runReceiveCommand(argv: string[], dataDirDefault: string): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      job: { type: 'string' },
      'resource-group': { type: 'string' },
      drive: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${RECEIVE_HELP}\n`);
    return 0;
  }
  if (!values.job || !values.drive?.length) {
    process.stderr.write(`localcloud receive: give --job and at least one --drive.\n\n${RECEIVE_HELP}\n`);
    return 2;
  }
  const drives = values.drive.map(parseDrive);
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const stopOnSignal = (signal: NodeJS.Signals) => {
    // Leave no FUSE mount behind when interrupted mid-drive.
    void Promise.allSettled([...openVolumes].map((v) => v.close())).then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    const desk = DeskClient.forDataDir(resolve(values['data-dir'] ?? dataDirDefault));
    const receipt = await receivePackage(desk, values.job, drives, { resourceGroup: values['resource-group'], say });
    process.stdout.write(values.json ? `${JSON.stringify(receipt, null, 2)}\n` : formatReceipt(receipt));
    return 0;
  } catch (error) {
    if (values.json) process.stdout.write(`${JSON.stringify({ error: { code: error instanceof PackageRefused ? 'Refused' : 'Failed', message: (error as Error).message } })}\n`);
    process.stderr.write(`localcloud receive: ${(error as Error).message}\n`);
    return 1;
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    process.removeListener('SIGTERM', stopOnSignal);
  }
}

/** `PATH` or `PATH=SERIAL` (the serial as printed on the drive's label). */
function parseDrive(text: string): PackageDrive {
  const at = text.lastIndexOf('=');
  return at > 0 ? { path: text.slice(0, at), serial: text.slice(at + 1) } : { path: text };
}

function formatReceipt(receipt: PackageReceipt): string {
  const lines = receipt.drives.map((d) => `${d.driveId}  ${d.state}  ${d.status}  ${d.blobs - d.blobsFailed}/${d.blobs} blobs, ${d.bytesSucceeded} bytes${d.message ? `  ${d.message}` : ''}`);
  if (receipt.missing.length > 0) lines.push(`Not in the package: ${receipt.missing.join(', ')}`);
  lines.push(`Job ${receipt.job}: ${receipt.state}`);
  return `${lines.join('\n')}\n`;
}
