import { spawn } from 'node:child_process';
import type { LocalCloudLauncher } from './local-cloud';

/**
 * Starts the bundled local cloud with this Node. Its standard input stays a pipe from us: when this
 * process dies, the pipe closes and the cloud stops too (`--watch-stdin`).
 */
export function nodeLocalCloudLauncher(entry: string): LocalCloudLauncher {
  return (args) => {
    const child = spawn(process.execPath, [entry, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    return {
      onExit: (listener) => child.once('exit', (code) => listener(code)),
      onOutput: (listener) => {
        child.stdout.on('data', (d: Buffer) => listener(d.toString()));
        child.stderr.on('data', (d: Buffer) => listener(d.toString()));
      },
      kill: () => {
        child.stdin.end();
        child.kill('SIGTERM');
      },
    };
  };
}
