import { execFile } from 'node:child_process';

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a program without a shell (arguments are never parsed, so values can't inject commands),
 * with a time limit. Rejects with the program's own error text.
 */
export function runCommand(file: string, args: readonly string[], timeoutMs = 15_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        const detail = stderr.trim() || error.message;
        reject(new Error(`${file} failed: ${detail}`));
        return;
      }
      resolve({ stdout, stderr });
    });
  });
}
