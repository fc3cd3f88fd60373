/**
 * Azure's naming rules for the offline-backup fields (REFERENCE, "Azure naming rules"). Each
 * function returns why a value is refused, in words for the operator, or null when Azure accepts it.
 * The wizard runs them as the operator types; the services run them again before any call.
 */

/** Storage account: 3–24 lowercase letters and digits (globally unique; uniqueness is Azure's check). */
export function storageAccountNameProblem(name: string): string | null {
  if (name.length < 3 || name.length > 24) return `A storage account name has 3 to 24 characters (this has ${name.length}).`;
  if (!/^[a-z0-9]+$/.test(name)) return 'A storage account name uses only lowercase letters and digits.';
  return null;
}

/** Container: 3–63 of lowercase letters, digits and single hyphens, starting with a letter or digit. */
export function containerNameProblem(name: string): string | null {
  if (name === '$root') return 'The $root container can’t receive an import: choose a named container.';
  if (name.length < 3 || name.length > 63) return `A container name has 3 to 63 characters (this has ${name.length}).`;
  if (!/^[a-z0-9-]+$/.test(name)) return 'A container name uses only lowercase letters, digits and hyphens.';
  if (!/^[a-z0-9]/.test(name)) return 'A container name starts with a letter or a digit.';
  if (name.includes('--')) return 'A container name can’t have two hyphens in a row.';
  if (name.endsWith('-')) return 'A container name can’t end with a hyphen.';
  return null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Subscription ID: a GUID such as 8a6d5b2e-3c1f-4e7a-9b0d-5e5d5eed0001. */
export function subscriptionIdProblem(id: string): string | null {
  if (!GUID.test(id)) return 'A subscription ID is a GUID like 8a6d5b2e-3c1f-4e7a-9b0d-5e5d5eed0001 (Azure portal → Subscriptions).';
  return null;
}

/** Import job name: 3–24 of lowercase letters, digits and hyphens, starting with a letter. */
export function importJobNameProblem(name: string): string | null {
  if (name.length < 3 || name.length > 24) return `An import job name has 3 to 24 characters (this has ${name.length}).`;
  if (!/^[a-z]/.test(name)) return 'An import job name starts with a lowercase letter.';
  if (!/^[a-z0-9-]+$/.test(name)) return 'An import job name uses only lowercase letters, digits and hyphens.';
  return null;
}

/** Resource group: 1–90 of letters, digits, `_ - . ( )`, not ending in a period. */
export function resourceGroupNameProblem(name: string): string | null {
  if (name.length < 1 || name.length > 90) return 'A resource group name has 1 to 90 characters.';
  if (!/^[\p{L}\p{N}_\-.()]+$/u.test(name)) return 'A resource group name uses letters, digits and _ - . ( ) only.';
  if (name.endsWith('.')) return 'A resource group name can’t end with a period.';
  return null;
}

/**
 * Staging location: an absolute local path (`/srv/staging`, `D:\Staging`) or a network share
 * (`\\server\share\folder`); the copy computer must reach it, so a relative path is refused.
 */
export function stagingLocationProblem(path: string): string | null {
  if (path.trim() === '') return 'Enter the staging location: a local folder or a network share.';
  if (path.length > 1024) return 'The staging location is too long (at most 1024 characters).';
  if (/[\0]/.test(path)) return 'The staging location contains a NUL character.';
  const posix = path.startsWith('/');
  const drive = /^[A-Za-z]:[\\/]/.test(path);
  const share = /^\\\\[^\\/]+[\\/][^\\/]+/.test(path);
  if (!posix && !drive && !share) return 'Give the full path of the staging location (like /srv/staging, D:\\Staging or \\\\server\\share\\staging).';
  return null;
}
