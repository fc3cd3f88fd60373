import { describe, expect, it } from 'vitest';
import { parseDriveLogName, readDriveLog } from './drive-log';
import {
  carrierProblem,
  duplicateTracking,
  explainDriveState,
  explainJobState,
  explainResultCode,
  jobActions,
  JOB_STATES,
  DRIVE_STATES,
  trackingDeadline,
  trackingNumberProblem,
} from './job-model';

const DAY = 24 * 3600 * 1000;
const created = '2026-12-01T10:00:00.000Z';
const at = (days: number) => new Date(Date.parse(created) + days * DAY);

describe('explanations', () => {
  it('explain every job state, drive state and result code in plain words with what to do', () => {
    for (const state of [...JOB_STATES, 'Faulted', 'Deleted']) expect(explainJobState(state).action).not.toMatch(/does not know/);
    for (const state of DRIVE_STATES) expect(explainDriveState(state).meaning.length).toBeGreaterThan(10);
    const codes = ['Completed', 'CompletedWithWarnings', 'CompletedWithErrors', 'DiskNotFound', 'VolumeNotNtfs', 'BitLockerVolumeNotFound', 'BitLockerNotActivated', 'BitLockerProtectorNotFound', 'BitLockerKeyInvalid', 'BitLockerUnlockVolumeFailed', 'ManifestNotFound', 'ManifestCorrupted', 'ManifestFormatInvalid', 'ManifestDriveIdMismatch', 'InternalError'];
    for (const code of codes) expect(explainResultCode(code).title).not.toBe(code === 'Completed' ? '' : code);
    expect(explainResultCode('ManifestCorrupted').meaning).toMatch(/manifest hash/);
    expect(explainResultCode('ManifestCorrupted').action).toMatch(/disk prep/);
  });

  it('say plainly when a state is unknown', () => {
    expect(explainJobState('Teleporting').meaning).toMatch(/does not know the job state “Teleporting”/);
  });
});

describe('trackingDeadline', () => {
  const job = { createdAt: created, state: 'Creating', trackingNumber: null };
  it.each([
    [0, 'ok', 14],
    [9.5, 'ok', 5],
    [10, 'warning', 4],
    [13.9, 'warning', 1],
    [14.01, 'overdue', 0],
  ] as const)('day %s is %s with %s days left', (days, level, left) => {
    const d = trackingDeadline(job, at(days));
    expect(d.level).toBe(level);
    expect(d.daysLeft).toBe(left);
    expect(d.deadline).toBe('2026-12-15T10:00:00.000Z');
  });

  it('says what happens after the deadline, and is met once tracking is entered', () => {
    expect(trackingDeadline(job, at(3)).message).toMatch(/11 days left.*until 2026-12-15.*deletes the job/);
    expect(trackingDeadline({ ...job, trackingNumber: '1Z999' }, at(20)).level).toBe('met');
    expect(trackingDeadline({ ...job, state: 'Transferring' }, at(20)).level).toBe('not-applicable');
  });
});

describe('jobActions', () => {
  const actions = (state: string, extra: Partial<{ cancelRequested: boolean; deleted: boolean }> = {}) => jobActions({ state, cancelRequested: false, deleted: false, ...extra });
  it.each([
    ['Creating', true, true, true, true],
    ['Shipping', true, true, true, false],
    ['Received', false, true, true, false],
    ['Transferring', false, true, true, false],
    ['Packaging', false, false, false, false],
    ['Completed', false, false, false, true],
    ['Closed', false, false, false, false],
  ] as const)('%s: track %s, return shipping %s, cancel %s, delete %s', (state, track, ret, cancel, del) => {
    const a = actions(state);
    expect([a.track.allowed, a.returnShipping.allowed, a.cancel.allowed, a.delete.allowed]).toEqual([track, ret, cancel, del]);
    for (const allowance of Object.values(a)) expect(allowance.allowed ? allowance.reason === null : allowance.reason?.includes(state)).toBe(true);
  });

  it('explains why not for a cancelled or deleted job', () => {
    expect(actions('Transferring', { cancelRequested: true }).cancel.reason).toMatch(/already been requested/);
    expect(actions('Creating', { deleted: true }).delete.reason).toMatch(/no longer exists/);
  });
});

describe('tracking numbers and carriers', () => {
  it('refuse a malformed tracking number and a carrier the datacenter does not use', () => {
    expect(trackingNumberProblem('')).toMatch(/Enter the tracking number/);
    expect(trackingNumberProblem('12 34')).toMatch(/4 to 40/);
    expect(trackingNumberProblem('1Z999AA10123456784')).toBeNull();
    expect(carrierProblem('Royal Mail', ['FedEx', 'UPS', 'DHL'])).toMatch(/doesn’t serve this datacenter; choose one of FedEx, UPS, DHL/);
    expect(carrierProblem('fedex', ['FedEx'])).toBeNull();
  });

  it('finds another job with the same tracking number, ignoring case and the job itself', () => {
    const jobs = [
      { id: '/a', name: 'a', trackingNumber: 'TRK-1' },
      { id: '/b', name: 'b', trackingNumber: null },
    ];
    expect(duplicateTracking('trk-1', jobs, '/b')?.name).toBe('a');
    expect(duplicateTracking('TRK-1', jobs, '/A')).toBeNull();
    expect(duplicateTracking('TRK-2', jobs, '/b')).toBeNull();
  });
});

describe('drive logs', () => {
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<DriveLog Version="2014-11-01">
  <DriveId>WD-WCC4E0000009</DriveId>
  <BitLockerKey>238810-662376-448998-450120-652806-203390-606320-483076</BitLockerKey>
  <Blob Status="Completed"><BlobPath>seed/p/pack001</BlobPath><FilePath>\\s1\\p\\pack001</FilePath><Length>10</Length></Blob>
  <Blob Status="CompletedWithErrors">
    <BlobPath>seed/p/pack&amp;002</BlobPath><FilePath>\\s1\\p\\pack002</FilePath>
    <BlockList><Block Offset="4194304" Length="4194304" Id="x" Hash="AB" Status="Corrupted"/></BlockList>
  </Blob>
  <Status>ManifestCorrupted</Status>
</DriveLog>`;

  it('reads the drive result, counts files, lists failed ones and masks the key', () => {
    const log = readDriveLog(xml);
    expect(log.driveId).toBe('WD-WCC4E0000009');
    expect(log.status).toBe('ManifestCorrupted');
    expect(log.statusExplanation?.title).toBe('Manifest corrupted');
    expect(log.blobsByStatus).toEqual({ Completed: 1, CompletedWithErrors: 1 });
    expect(log.problems).toEqual([
      expect.objectContaining({ blobPath: 'seed/p/pack&002', status: 'CompletedWithErrors', details: ['Block at offset 4194304 (4194304 bytes): Corrupted'] }),
    ]);
    expect(log.text).not.toContain('238810');
  });

  it('keeps a log that is not XML as text', () => {
    expect(readDriveLog('plain words').text).toBe('plain words');
  });

  it('parses the log blob names', () => {
    expect(parseDriveLogName('waies/seed-job_WD-123_20261205T101500Z_error.xml')).toEqual({ jobName: 'seed-job', driveId: 'WD-123', timestamp: '20261205T101500Z', kind: 'error' });
    expect(parseDriveLogName('waies/other.txt')).toBeNull();
  });
});
