import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The serial the datacenter reads off a drive, to find it in the job's driveList. Real drives: the
 * hardware serial (lsblk SERIAL, spaces removed), as Import/Export's driveId is. Rehearsal drives
 * have none, so they follow the stand-in convention the prep tool documents for them: `LOOP-` (a
 * loop device, over its backing file) or `IMG-` (an image file) + the first 12 hex digits, uppercase,
 * of SHA-256 over "<st_dev>:<st_ino>" of the file. Worked out here from the drive itself, never
 * taken from the app.
 */
export async function readDriveSerial(path: string): Promise<string> {
  const info = await stat(path);
  if (info.isFile()) return `IMG-${fileIdentity(info)}`;
  if (!info.isBlockDevice()) throw new Error(`${path} is neither a block device nor an image file.`);
  const name = basename(path);
  if (/^loop\d+$/.test(name)) {
    const backing = (await readFile(`/sys/block/${name}/loop/backing_file`, 'utf8').catch(() => '')).trim().replace(/ \(deleted\)$/, '');
    if (backing === '') throw new Error(`${path} is a loop device with no file attached.`);
    return `LOOP-${fileIdentity(await stat(backing))}`;
  }
  const { stdout } = await run('lsblk', ['--nodeps', '--noheadings', '--output', 'SERIAL', path]);
  const serial = stdout.replace(/\s+/g, '');
  if (serial === '') throw new Error(`${path} reports no serial number: name it yourself with --drive ${path}=<serial on its label>.`);
  return serial;
}

function fileIdentity(info: { dev: number; ino: number }): string {
  return createHash('sha256').update(`${info.dev}:${info.ino}`).digest('hex').slice(0, 12).toUpperCase();
}
