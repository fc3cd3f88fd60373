import { type FileHandle, open, stat } from 'node:fs/promises';
import { SeedshipError } from '../../../shared/api/errors';
import { runText } from './run-tool';

/** What is about to be written or read: a block device or an image file, with its geometry. */
export interface BlockTarget {
  path: string;
  kind: 'block-device' | 'image-file';
  bytes: number;
  logicalSectorSize: number;
}

/**
 * Checks that `path` is a block device or a regular file, is not mounted (nor any partition of
 * it), and reads its size and logical sector size. Which drives may be written at all is the
 * caller's decision (drive-safety predicates); this only refuses what can't be right.
 */
export async function inspectTarget(path: string, field = 'device'): Promise<BlockTarget> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new SeedshipError('NOT_FOUND', `${path} does not exist.`, field);
  }
  if (info.isFile()) {
    return { path, kind: 'image-file', bytes: info.size, logicalSectorSize: 512 };
  }
  if (!info.isBlockDevice()) throw new SeedshipError('VALIDATION', `${path} is neither a block device nor an image file.`, field);
  const mounted = (await runText('lsblk', ['-nrpo', 'NAME,MOUNTPOINT', path]))
    .split('\n')
    .map((line) => line.trim().split(' '))
    .filter(([, mountpoint]) => mountpoint);
  if (mounted.length > 0) {
    throw new SeedshipError('UNSAFE_DRIVE', `${path} is in use: ${mounted.map(([name, mp]) => `${name} is mounted at ${mp}`).join(', ')}. Unmount it first.`, field);
  }
  const bytes = Number((await runText('blockdev', ['--getsize64', path])).trim());
  const logicalSectorSize = Number((await runText('blockdev', ['--getss', path])).trim());
  return { path, kind: 'block-device', bytes, logicalSectorSize };
}

/** Whole-sector positioned I/O on the target, with short reads and writes treated as errors. */
export class TargetIo {
  private constructor(private readonly handle: FileHandle) {}

  static async open(path: string, mode: 'r' | 'r+'): Promise<TargetIo> {
    return new TargetIo(await open(path, mode));
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafeSlow(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, offset + done);
      if (bytesRead === 0) throw new SeedshipError('INTERNAL', `Reading ${length} bytes at ${offset} hit the end of the device.`);
      done += bytesRead;
    }
    return buffer;
  }

  /** Fills `buffer` from `offset`. */
  async readInto(buffer: Buffer, offset: number): Promise<void> {
    let done = 0;
    while (done < buffer.length) {
      const { bytesRead } = await this.handle.read(buffer, done, buffer.length - done, offset + done);
      if (bytesRead === 0) throw new SeedshipError('INTERNAL', `Reading ${buffer.length} bytes at ${offset} hit the end of the device.`);
      done += bytesRead;
    }
  }

  async write(offset: number, data: Buffer): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.handle.write(data, done, data.length - done, offset + done);
      done += bytesWritten;
    }
  }

  /** Flushes to the medium: used between the steps whose order makes a crash safe. */
  sync(): Promise<void> {
    return this.handle.sync();
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
