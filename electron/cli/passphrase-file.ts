import { readFile } from 'node:fs/promises';
import { UsageError } from './cli-errors';

/**
 * Reads a passphrase file: its last non-empty line is the passphrase, so the file Seedship writes
 * when the passphrase is set (an explanation line, then the passphrase) works as it is.
 */
export async function readPassphraseFile(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch((error: Error) => {
    throw new UsageError(`the passphrase file ${path} can’t be read: ${error.message}`);
  });
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  const last = lines[lines.length - 1];
  if (!last) throw new UsageError(`the passphrase file ${path} is empty.`);
  return last;
}
