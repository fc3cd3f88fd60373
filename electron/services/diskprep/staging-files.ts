import { lstat, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SeedshipError } from '../../../shared/api/errors';
import { DESCRIPTOR_FILE, readStagingDescriptor, type StagedJob, type StagingDescriptor } from '../backup/staging-descriptor';

/** One file of staging that goes on a drive: its path relative to staging ("/"), size and mtime. */
export interface StagingFile {
  path: string;
  bytes: number;
  mtimeMs: number;
}

/**
 * The staging descriptor, refusing a folder that has none ("missing") or one that isn't Seedship's
 * ("foreign": the JSON does not parse as a seedship-staging descriptor). The message names the file.
 */
export async function loadStaging(stagingPath: string): Promise<{ root: string; descriptor: StagingDescriptor }> {
  const root = resolve(stagingPath);
  const info = await lstat(root).catch(() => null);
  if (!info?.isDirectory()) throw new SeedshipError('NOT_FOUND', `The staging folder ${root} does not exist.`, 'stagingPath');
  let descriptor: StagingDescriptor | null;
  try {
    descriptor = await readStagingDescriptor(root);
  } catch {
    throw new SeedshipError('VALIDATION', `${join(root, DESCRIPTOR_FILE)} is not a Seedship staging descriptor: is ${root} the staging location of a Seedship backup?`, 'stagingPath');
  }
  if (!descriptor) throw new SeedshipError('NOT_FOUND', `${root} has no ${DESCRIPTOR_FILE}: it is not a Seedship staging location (run Back Up Now first).`, 'stagingPath');
  return { root, descriptor };
}

export function findStagedJob(descriptor: StagingDescriptor, root: string, jobName: string): StagedJob {
  const job = descriptor.jobs.find((j) => j.jobName === jobName);
  if (!job) {
    const names = descriptor.jobs.map((j) => j.jobName).join(', ') || 'none';
    throw new SeedshipError('NOT_FOUND', `Staging ${root} has no import job ${jobName} (it has: ${names}).`, 'jobName');
  }
  return job;
}

/**
 * Every regular file under staging, sorted by path; links and special files are refused (NTFS and
 * the import take data only), unreadable folders are reported rather than skipped silently.
 */
export async function listStagingFiles(root: string): Promise<{ files: StagingFile[]; unreadable: { path: string; reason: string }[] }> {
  const files: StagingFile[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  const walk = async (rel: string): Promise<void> => {
    const dir = rel ? join(root, rel) : root;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      unreadable.push({ path: dir, reason: (error as Error).message });
      return;
    }
    for (const entry of entries) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(childRel);
      else if (entry.isFile()) {
        const info = await lstat(join(root, childRel));
        files.push({ path: childRel, bytes: info.size, mtimeMs: Math.trunc(info.mtimeMs) });
      } else unreadable.push({ path: join(root, childRel), reason: 'a link or special file; only regular files go on the drives' });
    }
  };
  await walk('');
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, unreadable };
}
