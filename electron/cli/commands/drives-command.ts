import { parseArgs } from 'node:util';
import type { ClassifiedDrive, DriveList } from '../../../shared/drives/drive';
import { formatBytes } from '../../../shared/drives/format-bytes';
import { createAppServices } from '../../services/app-services';
import { resolveDataDir } from '../../services/system/data-dir';
import { appVersion } from '../app-root';
import { createDirectClient } from '../direct-transport';

export const DRIVES_HELP = `Usage: seedship drives [--json] [--include-loop] [--staging PATH] [--data-dir DIR]

Lists the drives Seedship could prepare, with each one's classification in plain words.
The system disk and the drive holding the staging location are never offered.

  --json          print the list as JSON
  --include-loop  include loop devices (rehearsal drives backed by files)
  --staging PATH  treat PATH as the staging location (default: the one in settings)
  --data-dir DIR  Seedship's data folder (default: SEEDSHIP_DATA_DIR or the per-user folder)`;

export async function drivesCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      'include-loop': { type: 'boolean' },
      staging: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const app = createAppServices({ dataDir: resolveDataDir(values['data-dir']), transport: 'cli', version: appVersion() });
  try {
    const api = createDirectClient(app);
    const list = await api.drives.list({
      ...(values['include-loop'] !== undefined ? { includeLoop: values['include-loop'] } : {}),
      ...(values.staging !== undefined ? { stagingPath: values.staging } : {}),
    });
    process.stdout.write(values.json ? `${JSON.stringify(list, null, 2)}\n` : renderDriveTable(list));
    return 0;
  } finally {
    await app.close();
  }
}

const STATUS_WORDS: Record<ClassifiedDrive['status'], string> = {
  ok: 'ready',
  warning: 'warning',
  error: "can't use",
  blocked: 'hidden',
};

/** A terminal table: one line per drive, then its reasons, then the hidden drives and why. */
export function renderDriveTable(list: DriveList): string {
  const rows = list.drives.map((d) => [d.device, formatBytes(d.sizeBytes), d.bus, d.model ?? '—', d.serial ?? '—', STATUS_WORDS[d.status]]);
  const header = ['DEVICE', 'SIZE', 'BUS', 'MODEL', 'SERIAL', 'STATUS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const out: string[] = [];
  if (list.drives.length === 0) {
    out.push(list.rehearsalDrives ? 'No drives to offer.' : 'No drives to offer. (Loop devices are shown with --include-loop.)');
  } else {
    out.push(line(header));
    list.drives.forEach((drive, index) => {
      out.push(line(rows[index] ?? []));
      for (const mount of drive.mountpoints) out.push(`    mounted at ${mount.path}`);
      for (const issue of drive.issues) out.push(`    ${issue.severity}: ${issue.message}`);
    });
  }
  for (const hidden of list.hidden) {
    out.push(`Not offered: ${hidden.device}: ${hidden.issues.map((i) => i.message).join(' ')}`);
  }
  return `${out.join('\n')}\n`;
}
