/** MARS's rule: an encryption passphrase of at least 16 characters (REFERENCE, "Backup Now"). */
export const MIN_PASSPHRASE_LENGTH = 16;
export const MAX_PASSPHRASE_LENGTH = 1024;

/**
 * Why a passphrase can't be used, in words for the operator, or null when it can. Length counts
 * characters as people see them (code points), not UTF-16 units.
 */
export function passphraseProblem(passphrase: string): string | null {
  const length = [...passphrase].length;
  if (length < MIN_PASSPHRASE_LENGTH) return `The passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters (it has ${length}).`;
  if (length > MAX_PASSPHRASE_LENGTH) return `The passphrase must be at most ${MAX_PASSPHRASE_LENGTH} characters.`;
  if (passphrase.trim() !== passphrase) return 'The passphrase must not start or end with a space: they are easy to lose when it is typed again.';
  if (new Set(passphrase).size < 4) return 'The passphrase repeats too few characters to be safe: use a generated one.';
  return null;
}
