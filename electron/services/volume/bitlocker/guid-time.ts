import { randomBytes } from 'node:crypto';

/** 100-ns intervals from 1601-01-01 (Windows FILETIME) to the Unix epoch. */
const FILETIME_UNIX_EPOCH = 116_444_736_000_000_000n;

/** A Windows FILETIME for a date, as BitLocker stores creation and nonce times. */
export function toFiletime(date: Date): bigint {
  return BigInt(date.getTime()) * 10_000n + FILETIME_UNIX_EPOCH;
}

export function fromFiletime(filetime: bigint): Date {
  return new Date(Number((filetime - FILETIME_UNIX_EPOCH) / 10_000n));
}

/** A random (version 4) GUID in the on-disk byte order Windows uses (first three fields little-endian). */
export function randomGuidBytes(): Buffer {
  const bytes = randomBytes(16);
  bytes[7] = ((bytes[7] as number) & 0x0f) | 0x40; // version nibble sits in the high byte of the LE third field
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  return bytes;
}

/** "4967d63b-2e29-4ad8-8399-f6a339e3d001" ↔ its 16 on-disk bytes. */
export function guidToBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`Not a GUID: ${guid}`);
  const b = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from(b.subarray(0, 4)).reverse(), Buffer.from(b.subarray(4, 6)).reverse(), Buffer.from(b.subarray(6, 8)).reverse(), b.subarray(8)]);
}

export function guidFromBytes(bytes: Buffer): string {
  const h = (b: Buffer) => b.toString('hex');
  const rev = (start: number, end: number) => h(Buffer.from(bytes.subarray(start, end)).reverse());
  return `${rev(0, 4)}-${rev(4, 6)}-${rev(6, 8)}-${h(bytes.subarray(8, 10))}-${h(bytes.subarray(10, 16))}`;
}
