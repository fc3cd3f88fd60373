import { describe, expect, it } from 'vitest';
import { DriveListSchema } from '../drives/drive';
import { contract, SettingsPatchSchema } from './contract';

describe('contract schemas', () => {
  it('accept a well-formed drive list and reject a malformed one', () => {
    const drive = {
      device: '/dev/loop3',
      displayName: 'Loop device loop3',
      model: null,
      serial: null,
      sizeBytes: 402653184,
      bus: 'Loop',
      logicalSectorSize: 512,
      isSystem: false,
      isReadOnly: false,
      isRemovable: false,
      isUsb: false,
      isLoop: true,
      backingFile: '/tmp/a.img',
      mountpoints: [],
      status: 'ok',
      issues: [],
    };
    const list = { drives: [drive], hidden: [], rehearsalDrives: true, stagingPath: null, scannedAt: 'now' };
    expect(DriveListSchema.parse(list)).toEqual(list);
    expect(DriveListSchema.safeParse({ ...list, drives: [{ ...drive, sizeBytes: -1 }] }).success).toBe(false);
    expect(DriveListSchema.safeParse({ ...list, drives: [{ ...drive, bus: 'Floppy' }] }).success).toBe(false);
    expect(DriveListSchema.safeParse({ ...list, drives: [{ ...drive, status: 'maybe' }] }).success).toBe(false);
  });

  it('settings patches are strict and bounded', () => {
    expect(SettingsPatchSchema.safeParse({}).success).toBe(true);
    expect(SettingsPatchSchema.safeParse({ stagingPath: null }).success).toBe(true);
    expect(SettingsPatchSchema.safeParse({ stagingPath: '/srv/staging', rehearsalDrives: true }).success).toBe(true);
    expect(SettingsPatchSchema.safeParse({ other: 1 }).success).toBe(false);
    expect(SettingsPatchSchema.safeParse({ stagingPath: 'x'.repeat(4097) }).success).toBe(false);
  });

  it('every method input refuses unknown fields', () => {
    for (const [service, methods] of Object.entries(contract)) {
      for (const [name, spec] of Object.entries(methods)) {
        expect(spec.input.safeParse({ unexpectedField: 1 }).success, `${service}.${name}`).toBe(false);
      }
    }
  });
});
