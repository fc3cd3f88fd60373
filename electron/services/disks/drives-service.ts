import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DriveFacts, DriveList } from '../../../shared/drives/drive';
import { classifyDrive, findDriveHoldingPath } from '../../../shared/drives/drive-safety';
import type { SettingsStore } from '../settings/settings-store';
import { scanDrives } from './drive-scanner';

export interface ListDrivesOptions {
  /** Overrides the rehearsal-drives setting (the CLI's --include-loop). */
  includeLoop?: boolean;
  /** Overrides the staging location from settings (the CLI's --staging). */
  stagingPath?: string;
}

export type DriveScan = (options: { includeLoop: boolean }) => Promise<DriveFacts[]>;

/** Lists and classifies drives; the same verdicts later gate every write on the main side. */
export class DrivesService {
  constructor(
    private readonly settings: SettingsStore,
    private readonly scan: DriveScan = scanDrives,
  ) {}

  async list(options: ListDrivesOptions = {}): Promise<DriveList> {
    const settings = this.settings.read();
    const includeLoop = options.includeLoop ?? settings.rehearsalDrives;
    const stagingPath = options.stagingPath ?? settings.stagingPath;
    const facts = await this.scan({ includeLoop });
    const stagingDevice = stagingPath ? findDriveHoldingPath(facts, await canonicalPath(stagingPath)) : null;
    const classified = facts.map((f) => classifyDrive(f, { stagingDevice, stagingPath }));
    return {
      drives: classified.filter((d) => d.status !== 'blocked'),
      hidden: classified
        .filter((d) => d.status === 'blocked')
        .map((d) => ({ device: d.device, issues: d.issues.filter((i) => i.severity === 'blocked') })),
      rehearsalDrives: includeLoop,
      stagingPath,
      scannedAt: new Date().toISOString(),
    };
  }
}

/** Resolves symlinks so a staging path reached through a link still finds its real drive. */
async function canonicalPath(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch {
    return absolute;
  }
}
