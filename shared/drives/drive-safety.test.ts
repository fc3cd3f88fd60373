import { describe, expect, it } from 'vitest';
import type { DriveFacts } from './drive';
import { classifyDrive, findDriveHoldingPath, MAX_IMPORT_DRIVE_BYTES, MIN_DRIVE_BYTES, type SafetyContext } from './drive-safety';

const GiB = 1024 ** 3;
const plain: DriveFacts = {
  device: '/dev/sdb',
  displayName: 'WDC WD40EFRX',
  model: 'WDC WD40EFRX',
  serial: 'WD-WCC4E1234567',
  sizeBytes: 4000 * 1000 ** 3,
  bus: 'SATA',
  logicalSectorSize: 512,
  isSystem: false,
  isReadOnly: false,
  isRemovable: false,
  isUsb: false,
  isLoop: false,
  backingFile: null,
  mountpoints: [],
};
const noStaging: SafetyContext = { stagingDevice: null, stagingPath: null };

describe('classifyDrive', () => {
  const cases: { name: string; drive: Partial<DriveFacts>; context?: SafetyContext; status: string; codes: string[] }[] = [
    { name: 'an internal SATA drive is ready', drive: {}, status: 'ok', codes: [] },
    { name: 'the system drive is blocked', drive: { isSystem: true, mountpoints: [{ path: '/', hasFiles: true }] }, status: 'blocked', codes: ['system-drive', 'mounted-with-files'] },
    {
      name: 'the staging drive is blocked',
      drive: { mountpoints: [{ path: '/srv', hasFiles: true }] },
      context: { stagingDevice: '/dev/sdb', stagingPath: '/srv/staging' },
      status: 'blocked',
      codes: ['staging-drive', 'mounted-with-files'],
    },
    { name: 'another drive than staging is not blocked', drive: {}, context: { stagingDevice: '/dev/sdc', stagingPath: '/x' }, status: 'ok', codes: [] },
    { name: 'read-only is an error', drive: { isReadOnly: true }, status: 'error', codes: ['read-only'] },
    { name: 'exactly 10 TB is allowed', drive: { sizeBytes: MAX_IMPORT_DRIVE_BYTES }, status: 'ok', codes: [] },
    { name: 'over 10 TB is an error', drive: { sizeBytes: MAX_IMPORT_DRIVE_BYTES + 1 }, status: 'error', codes: ['too-large'] },
    { name: 'just under the minimum is an error', drive: { sizeBytes: MIN_DRIVE_BYTES - 512 }, status: 'error', codes: ['too-small'] },
    { name: 'exactly the minimum is allowed', drive: { sizeBytes: MIN_DRIVE_BYTES }, status: 'ok', codes: [] },
    { name: 'no size is an error', drive: { sizeBytes: 0 }, status: 'error', codes: ['no-size'] },
    { name: 'USB is a warning', drive: { isUsb: true, bus: 'USB' }, status: 'warning', codes: ['usb-or-removable'] },
    { name: 'removable is a warning', drive: { isRemovable: true }, status: 'warning', codes: ['usb-or-removable'] },
    { name: 'mounted with files is a warning', drive: { mountpoints: [{ path: '/mnt/data', hasFiles: true }] }, status: 'warning', codes: ['mounted-with-files'] },
    { name: 'mounted but unreadable counts as with files', drive: { mountpoints: [{ path: '/mnt/x', hasFiles: null }] }, status: 'warning', codes: ['mounted-with-files'] },
    { name: 'mounted and empty is fine', drive: { mountpoints: [{ path: '/mnt/empty', hasFiles: false }] }, status: 'ok', codes: [] },
    { name: 'a loop device is a rehearsal drive, usable', drive: { isLoop: true, bus: 'Loop', backingFile: '/tmp/d.img' }, status: 'ok', codes: ['rehearsal-drive'] },
    {
      name: 'errors outrank warnings',
      drive: { isUsb: true, isReadOnly: true, sizeBytes: 11 * 1000 ** 4 },
      status: 'error',
      codes: ['read-only', 'too-large', 'usb-or-removable'],
    },
  ];

  it.each(cases)('$name', ({ drive, context, status, codes }) => {
    const result = classifyDrive({ ...plain, ...drive }, context ?? noStaging);
    expect(result.status).toBe(status);
    expect(result.issues.map((i) => i.code)).toEqual(codes);
    for (const issue of result.issues) expect(issue.message.length).toBeGreaterThan(20);
  });

  it('names the staging path and sizes in its words', () => {
    const staged = classifyDrive(plain, { stagingDevice: '/dev/sdb', stagingPath: '/srv/staging' });
    expect(staged.issues[0]?.message).toContain('/srv/staging');
    const small = classifyDrive({ ...plain, sizeBytes: 64 * 1024 ** 2 }, noStaging);
    expect(small.issues[0]?.message).toContain('64 MiB');
    expect(classifyDrive({ ...plain, sizeBytes: 12 * 1000 ** 4 }, noStaging).issues[0]?.message).toMatch(/^Is 12 TB \(10\.9 TiB\): .* up to 10 TB/);
  });
});

describe('findDriveHoldingPath', () => {
  const drives = [
    { device: '/dev/sda', mountpoints: [{ path: '/', hasFiles: true }, { path: '/boot', hasFiles: true }] },
    { device: '/dev/sdb', mountpoints: [{ path: '/srv/data', hasFiles: true }] },
    { device: '/dev/sdc', mountpoints: [{ path: '/srv/data2', hasFiles: true }] },
    { device: 'D:', mountpoints: [{ path: 'D:\\', hasFiles: true }] },
  ];
  it.each([
    ['/srv/data/staging', '/dev/sdb'],
    ['/srv/data', '/dev/sdb'],
    ['/srv/data2/x', '/dev/sdc'],
    ['/srv/database', '/dev/sda'],
    ['/home/op/staging', '/dev/sda'],
    ['/boot/x', '/dev/sda'],
    ['d:\\Staging\\Job1', 'D:'],
    ['E:\\Staging', null],
  ])('%s is on %s', (path, device) => {
    expect(findDriveHoldingPath(drives, path)).toBe(device);
  });
  it('finds nothing without mounts', () => {
    expect(findDriveHoldingPath([{ device: '/dev/sdz', mountpoints: [] }], '/srv')).toBeNull();
  });
});

describe('sizes', () => {
  it('uses 10^12-byte terabytes for the Azure limit and binary units for display', async () => {
    const { formatBytes } = await import('./format-bytes');
    expect(MAX_IMPORT_DRIVE_BYTES).toBe(10_000_000_000_000);
    expect(formatBytes(384 * 1024 ** 2)).toBe('384 MiB');
    expect(formatBytes(1.5 * GiB)).toBe('1.5 GiB');
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(-1)).toBe('—');
    const { formatDecimalBytes } = await import('./format-bytes');
    expect(formatDecimalBytes(11 * 1000 ** 4)).toBe('11 TB');
    expect(formatDecimalBytes(4000787030016)).toBe('4 TB');
    expect(formatDecimalBytes(999)).toBe('999 B');
  });
});
