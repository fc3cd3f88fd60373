import { describe, expect, it } from 'vitest';
import { parseLosetup, parseLsblk } from './lsblk';

// Shapes as util-linux 2.38 (Debian 12) prints them; older versions print "0"/"1" strings for flags.
const LSBLK = JSON.stringify({
  blockdevices: [
    {
      name: 'sda', path: '/dev/sda', type: 'disk', size: 4000787030016, ro: false, rm: false, hotplug: false,
      tran: 'sata', model: 'WDC WD40EFRX-68N32N0', serial: 'WD-WCC7K1234567', mountpoints: [null], 'log-sec': 512,
      children: [
        { name: 'sda1', path: '/dev/sda1', type: 'part', size: 536870912, ro: false, rm: false, hotplug: false, tran: null, model: null, serial: null, mountpoints: ['/boot/efi'], 'log-sec': 512 },
        { name: 'sda2', path: '/dev/sda2', type: 'part', size: 4000250159104, ro: false, rm: false, hotplug: false, tran: null, model: null, serial: null, mountpoints: ['/', '/home'], 'log-sec': 512 },
      ],
    },
    { name: 'sdb', path: '/dev/sdb', type: 'disk', size: '8001563222016', ro: '0', rm: '1', hotplug: '1', tran: 'usb', model: '  Elements 25A3 ', serial: '', mountpoints: null, 'log-sec': '4096' },
    { name: 'loop3', path: '/dev/loop3', type: 'loop', size: 402653184, ro: true, rm: false, hotplug: false, tran: null, model: null, serial: null, mountpoints: [null], 'log-sec': 512 },
  ],
});

describe('parseLsblk', () => {
  it('folds partition mount points into their disk and normalises values', () => {
    const [sda, sdb, loop] = parseLsblk(LSBLK);
    expect(sda).toMatchObject({ path: '/dev/sda', sizeBytes: 4000787030016, transport: 'sata', serial: 'WD-WCC7K1234567', mountpoints: ['/boot/efi', '/', '/home'], readOnly: false });
    expect(sdb).toMatchObject({ sizeBytes: 8001563222016, removable: true, hotplug: true, readOnly: false, model: 'Elements 25A3', serial: null, logicalSectorSize: 4096, mountpoints: [] });
    expect(loop).toMatchObject({ type: 'loop', readOnly: true, sizeBytes: 402653184 });
  });

  it('rejects output that is not lsblk JSON', () => {
    expect(() => parseLsblk('{"devices":[]}')).toThrow();
    expect(() => parseLsblk('not json')).toThrow();
  });
});

describe('parseLosetup', () => {
  it('maps devices to their backing files, even deleted ones', () => {
    const json = JSON.stringify({ loopdevices: [{ name: '/dev/loop0', 'back-file': '/tmp/a.img' }, { name: '/dev/loop1', 'back-file': '/tmp/b.img (deleted)' }] });
    expect([...parseLosetup(json)]).toEqual([['/dev/loop0', '/tmp/a.img'], ['/dev/loop1', '/tmp/b.img']]);
    expect(parseLosetup('').size).toBe(0);
  });
});
