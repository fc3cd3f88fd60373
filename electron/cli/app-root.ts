import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project folder: the bundles live in `<root>/dist`, so the root is one level up from this file. */
export const APP_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const RENDERER_DIR = join(APP_ROOT, 'dist', 'renderer');

export function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(APP_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** The bundled local cloud program, which the app starts but never imports. */
export const LOCAL_CLOUD_ENTRY = join(APP_ROOT, 'dist', 'localcloud.mjs');

/** The bundled worker threads (backup chunking, restore). */
export const WORKER_DIR = join(APP_ROOT, 'dist', 'workers');
