import { utilityProcess } from 'electron';
import type { LocalCloudLauncher } from '../services/azure/local-cloud';

/**
 * Electron starts the local cloud as a utility process: the runAsNode fuse is off, so the app binary
 * can't be used as `node`. Utility processes end with the app.
 */
export function utilityProcessLauncher(entry: string): LocalCloudLauncher {
  return (args) => {
    const child = utilityProcess.fork(entry, args, { stdio: 'pipe', serviceName: 'Seedship local cloud' });
    return {
      onExit: (listener) => child.once('exit', (code) => listener(code)),
      onOutput: (listener) => {
        child.stdout?.on('data', (d: Buffer) => listener(d.toString()));
        child.stderr?.on('data', (d: Buffer) => listener(d.toString()));
      },
      kill: () => {
        child.kill();
      },
    };
  };
}
