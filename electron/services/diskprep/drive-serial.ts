import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { DriveFacts } from '../../../shared/drives/drive';

/**
 * The drive's identity for Import/Export (its `driveId`, the hardware serial, no spaces). Real
 * drives: lsblk's SERIAL. Loop devices have none, so a stable stand-in: `LOOP-` + the first 12 hex
 * digits of SHA-256 over the backing file's device and inode numbers (the same file keeps its id
 * across detach/attach; another file never shares it). Image files use their own dev/inode alike.
 */
export async function driveSerial(device: string, facts: DriveFacts | null): Promise<string> {
  const serial = facts?.serial?.replace(/\s+/g, '');
  if (serial && !facts?.isLoop) return serial;
  const backing = facts?.backingFile ?? device;
  const info = await stat(backing);
  const id = createHash('sha256').update(`${info.dev}:${info.ino}`).digest('hex').slice(0, 12).toUpperCase();
  return `${facts?.isLoop ? 'LOOP' : 'IMG'}-${id}`;
}
