// Builds Seedship: the Node side (CLI/host, Electron main and preload) with esbuild, the renderer with Vite.
// Run by `npm ci` (prepare), `npm start` and `npm test`, so a fresh clone is always runnable.
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv[2]; // 'node' or 'renderer' to build one half
rmSync(`${root}/dist/electron`, { recursive: true, force: true });

const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
/** Every installed package stays external (loaded from node_modules) except those named. */
const externalsBut = (...bundled) => [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)].filter((name) => !bundled.includes(name));

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning', absWorkingDir: root };

if (only !== 'renderer') {
  await Promise.all([
    // The CLI and headless host: Node ESM; installed packages stay in node_modules.
    // zod is bundled in: loading its hundred ES modules one by one costs 80 ms of every command's start.
    esbuild({ ...common, entryPoints: ['electron/cli/index.ts'], outfile: 'dist/cli.mjs', format: 'esm', external: externalsBut('zod') }),
    // The local cloud: a program of its own that the app starts (never imports).
    esbuild({ ...common, entryPoints: ['localcloud/main.ts'], outfile: 'dist/localcloud.mjs', format: 'esm', packages: 'external' }),
    // Worker threads (backup chunking, restore, volume encryption, catalog checkpoints): loaded by path, so each is a bundle of its own.
    esbuild({ ...common, entryPoints: ['electron/workers/backup-worker.ts', 'electron/workers/restore-worker.ts', 'electron/workers/volume-worker.ts', 'electron/workers/diskprep-worker.ts', 'electron/workers/catalog-checkpoint-worker.ts', 'electron/workers/walk-worker.ts'], outdir: 'dist/workers', outExtension: { '.js': '.mjs' }, format: 'esm', packages: 'external' }),
    // Electron main: CommonJS, as Electron loads it.
    esbuild({ ...common, entryPoints: ['electron/main/index.ts'], outfile: 'dist/electron/main.cjs', format: 'cjs', packages: 'external' }),
    // The sandboxed preload can require only 'electron', so everything else is bundled in.
    esbuild({ ...common, entryPoints: ['electron/preload/index.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'], platform: 'browser', target: 'chrome130', minify: true }),
  ]);
}
if (only !== 'node') {
  await vite({ configFile: `${root}/build/vite.config.mjs`, logLevel: 'warn' });
}
