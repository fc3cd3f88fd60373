#!/usr/bin/env node
// The `seedship` command: runs the bundled CLI, which `npm ci` (prepare) and `npm run build` produce.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('seedship: not built yet. Run `npm run build` in the Seedship folder first.\n');
  process.exit(1);
}

// glibc serves big buffers as fresh mmaps and unmaps them when freed, so every chunk buffer costs
// page faults: measured here, AES-GCM runs at 620 MiB/s that way and 1740 MiB/s with the mmap
// threshold raised, buffer copies 1.5 vs 6.9 GB/s. 8 MiB covers every chunk-sized buffer (1 MiB on
// average) while the 10 MiB read windows, which are pooled, still come from mmap: at 16 MiB the heap
// kept ~50 MiB more of them at the benchmark's peak, for no measurable speed. The tunable is read
// only at process start, so the commands that move data re-run themselves once with it set (other
// libcs ignore it). Two malloc arenas: with one, the busy threads contend for it (a first backup
// about 5% slower); with glibc's default of one per thread, the peak keeps ~30 MiB more. Disk prep
// is not one of these commands: its blocks live in a shared WebAssembly memory, and with one arena
// its threads contended (0.2 s slower per GiB).
const TUNABLES = 'glibc.malloc.mmap_threshold=8388608:glibc.malloc.trim_threshold=8388608:glibc.malloc.arena_max=2';
const HEAVY = new Set(['backup', 'restore', 'start', 'volume', 'vault']);
if (process.platform === 'linux' && process.env.GLIBC_TUNABLES === undefined && HEAVY.has(process.argv[2] ?? '')) {
  // --expose-gc lets the backup workers free their chunk buffers promptly (backup-worker.ts).
  const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, GLIBC_TUNABLES: TUNABLES, SEEDSHIP_RELAUNCHED: '1' },
  });
  // Ctrl-C reaches the whole process group: the child handles it; this process just waits.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
} else {
  if (process.env.SEEDSHIP_RELAUNCHED === '1' && process.channel) {
    // If the launcher dies (even by kill -9), its work dies with it: no orphan keeps writing.
    process.channel.unref();
    process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  }
  await import(cli);
}
