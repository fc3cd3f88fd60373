import { execFile } from 'node:child_process';
import { SeedshipError } from '../../../shared/api/errors';

/** Debian packages that provide the tools the volume code runs (scripts/system-packages.mjs installs them). */
const PACKAGE_OF: Record<string, string> = {
  mkntfs: 'ntfs-3g',
  'ntfs-3g': 'ntfs-3g',
  ntfsinfo: 'ntfs-3g',
  ntfscat: 'ntfs-3g',
  ntfsfix: 'ntfs-3g',
  blockdev: 'util-linux',
  lsblk: 'util-linux',
  umount: 'mount',
};

/**
 * Runs a tool without a shell and returns its stdout (as bytes when `binary`). Failures become
 * SeedshipErrors that quote the tool's own message; callers never pass secrets as arguments.
 */
export function runTool(
  file: string,
  args: readonly string[],
  options: { signal?: AbortSignal; timeoutMs?: number; binary?: boolean } = {},
): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { encoding: 'buffer', maxBuffer: 512 * 1024 * 1024, timeout: options.timeoutMs ?? 120_000, signal: options.signal },
      (error, stdout, stderr) => {
        const errText = stderr.toString('utf8').trim();
        if (!error) return resolve({ stdout, stderr: errText });
        if (options.signal?.aborted) return reject(new SeedshipError('CANCELLED', `${file} was stopped because the operation was cancelled.`));
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          const pkg = PACKAGE_OF[file];
          return reject(new SeedshipError('UNAVAILABLE', `${file} is not installed${pkg ? `; install the Debian package ${pkg}` : ''}.`));
        }
        const detail = (errText || stdout.toString('utf8').trim() || error.message).split('\n').slice(-6).join(' | ');
        reject(new SeedshipError('INTERNAL', `${file} ${args[0] ?? ''} failed: ${detail}`));
      },
    );
  });
}

export async function runText(file: string, args: readonly string[], options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<string> {
  return (await runTool(file, args, options)).stdout.toString('utf8');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SeedshipError('CANCELLED', 'The volume operation was cancelled.');
}
