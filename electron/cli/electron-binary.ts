import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ElectronLookup = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Finds a runnable Electron without triggering the electron package's download-on-require
 * (which fails, slowly, where its download host is unreachable).
 */
export function findElectronBinary(appRoot: string): ElectronLookup {
  const pkgDir = join(appRoot, 'node_modules', 'electron');
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, relative ?? 'electron') : relative ? join(pkgDir, 'dist', relative) : null;
  if (!binary || !existsSync(binary)) {
    return { ok: false, reason: 'its binary isn’t installed (its download host is unreachable from here)' };
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  return { ok: true, path: binary };
}
