// Debian packages Seedship's tests and rehearsal drives need, and a way to install the missing ones.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** command that must exist → Debian package that provides it */
export const REQUIRED = {
  '/usr/bin/chromium': 'chromium',
  losetup: 'mount',
  lsblk: 'util-linux',
  'mkfs.ext4': 'e2fsprogs',
  // BitLocker volumes: the independent readers the tests check our writer against, and NTFS.
  cryptsetup: 'cryptsetup-bin',
  'dislocker-file': 'dislocker',
  'dislocker-fuse': 'dislocker', // the local datacenter unlocks drives with it (localcloud/datacenter)
  bdeinfo: 'libbde-utils',
  bdemount: 'libbde-utils',
  mkntfs: 'ntfs-3g',
  ntfsfix: 'ntfs-3g',
  'ntfs-3g': 'ntfs-3g',
};

function has(command) {
  if (command.startsWith('/')) return existsSync(command);
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export function missingPackages() {
  return [...new Set(Object.entries(REQUIRED).filter(([cmd]) => !has(cmd)).map(([, pkg]) => pkg))];
}

/** Installs what is missing with apt-get when running as root; otherwise says exactly what to run. */
export function ensureSystemPackages() {
  const missing = missingPackages();
  if (missing.length === 0) return true;
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    console.error(`Missing Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
    return false;
  }
  console.log(`Installing Debian packages the tests need: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  return missingPackages().length === 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit(ensureSystemPackages() ? 0 : 1);
}
