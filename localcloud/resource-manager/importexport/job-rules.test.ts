import { describe, expect, it } from 'vitest';
import { canDelete, canEditDeliveryPackage, canEditReturnInfo, checkDrives, checkJobName, expiry, isRecoveryPassword, TWO_WEEKS_MS, type StoredJob } from './job-rules';

const KEY = '238810-662376-448998-450120-652806-203390-606320-483076';
const drive = (driveId: string) => ({ driveId, bitLockerKey: KEY, manifestFile: '\\DriveManifest.xml', manifestHash: 'A'.repeat(32) });

function job(state: string, createdAt: Date, extra: Partial<StoredJob['properties']> = {}, shippedAt: Date | null = null): StoredJob {
  return {
    id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ImportExport/jobs/j',
    name: 'j',
    type: 'Microsoft.ImportExport/jobs',
    location: 'westus2',
    tags: {},
    identity: { type: 'None' },
    systemData: { createdBy: 'u', createdByType: 'User', createdAt: createdAt.toISOString(), lastModifiedBy: 'u', lastModifiedByType: 'User', lastModifiedAt: createdAt.toISOString() },
    properties: { state, driveList: [{ driveId: 'D1', state: 'Specified' }], ...extra },
    internal: { shippedAt: shippedAt?.toISOString() ?? null, subscriptionId: 's', resourceGroup: 'rg' },
  };
}

describe('Import/Export job rules', () => {
  it.each([
    ['238810-662376-448998-450120-652806-203390-606320-483076', true],
    ['238810-662376-487685-429601-392654-700776-125147-303952', false], // 429601 is not a multiple of 11
    ['720896-662376-448998-450120-652806-203390-606320-483076', false], // 720896 / 11 = 65536, too big
    ['238810-662376-448998-450120-652806-203390-606320', false],
    ['23881a-662376-448998-450120-652806-203390-606320-483076', false],
  ])('recovery password %s valid: %s', (key, valid) => {
    expect(isRecoveryPassword(key)).toBe(valid);
  });

  it('accepts 1 to 10 drives with serials and refuses the rest', () => {
    expect(checkDrives([drive('WD-1'), drive('WD-2')], 'Import')).toHaveLength(2);
    expect(() => checkDrives(Array.from({ length: 11 }, (_, i) => drive(`S${i}`)), 'Import')).toThrow(/at most 10/);
    expect(() => checkDrives([], 'Import')).toThrow(/at least one/);
    expect(() => checkDrives([drive('WD 1')], 'Import')).toThrow(/without spaces/);
    expect(() => checkDrives([drive('WD-1'), drive('wd-1')], 'Import')).toThrow(/twice/);
    expect(() => checkDrives([{ ...drive('WD-1'), manifestHash: 'xyz' }], 'Import')).toThrow(/MD5/);
  });

  it.each([['myJob', true], ['seed-job-1', true], ['1job', false], ['ab', false], ['has_underscore', false], ['a'.repeat(65), false]])('job name %s allowed: %s', (name, ok) => {
    if (ok) expect(() => checkJobName(name)).not.toThrow();
    else expect(() => checkJobName(name)).toThrow(/invalid/);
  });

  it('says which fields may change in which state', () => {
    expect(['Creating', 'Shipping', 'Received', 'Transferring'].map(canEditReturnInfo)).toEqual([true, true, true, true]);
    expect(['Packaging', 'Completed', 'Closed'].map(canEditReturnInfo)).toEqual([false, false, false]);
    expect(['Creating', 'Shipping', 'Received'].map(canEditDeliveryPackage)).toEqual([true, true, false]);
    expect(['Creating', 'Shipping', 'Completed', 'Closed'].map(canDelete)).toEqual([true, false, true, false]);
  });

  it('deletes a Creating job without tracking after two weeks, and only then', () => {
    const created = new Date('2026-11-01T00:00:00Z');
    expect(expiry(job('Creating', created), new Date(created.getTime() + TWO_WEEKS_MS - 1000))).toBeNull();
    const due = expiry(job('Creating', created), new Date(created.getTime() + TWO_WEEKS_MS + 1000));
    expect(due).toMatchObject({ kind: 'delete', reason: expect.stringContaining('within two weeks') });
    const tracked = job('Creating', created, { deliveryPackage: { carrierName: 'FedEx', trackingNumber: '1234' } });
    expect(expiry(tracked, new Date(created.getTime() + 3 * TWO_WEEKS_MS))).toBeNull();
  });

  it('marks drives NeverReceived two weeks after shipping information', () => {
    const shipped = new Date('2026-11-02T00:00:00Z');
    const j = job('Shipping', new Date('2026-11-01T00:00:00Z'), {}, shipped);
    expect(expiry(j, new Date(shipped.getTime() + TWO_WEEKS_MS - 1000))).toBeNull();
    expect(expiry(j, new Date(shipped.getTime() + TWO_WEEKS_MS + 1000))).toEqual({ kind: 'never-received' });
  });
});
