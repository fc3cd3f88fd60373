import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where Seedship keeps its database, logs and secrets: an explicit folder, else SEEDSHIP_DATA_DIR,
 * else the platform's per-user application data folder (the same place Electron's userData uses).
 */
export function resolveDataDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  if (process.env.SEEDSHIP_DATA_DIR) return resolve(process.env.SEEDSHIP_DATA_DIR);
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Seedship');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Seedship');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Seedship');
}
