import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './repository';

/**
 * `seedship-staging.json` at the top of staging: what disk prep needs to pick the job and build the
 * import (job name, subscription, account, container, snapshot, sizes). It holds no file names and
 * nothing about contents; the data beside it is encrypted. Several jobs may share one staging
 * location (disk prep then asks which), so it lists them by job name.
 */
export const DESCRIPTOR_FILE = 'seedship-staging.json';

export const StagedJobSchema = z.object({
  jobName: z.string(),
  subscriptionId: z.string().nullable(),
  storageAccount: z.string().nullable(),
  container: z.string().nullable(),
  resourceGroup: z.string().nullable(),
  location: z.string().nullable(),
  vault: z.string().nullable(),
  snapshotId: z.string(),
  sourceBytes: z.number(),
  stagedBytes: z.number(),
  files: z.number(),
  createdAt: z.string(),
});
export type StagedJob = z.infer<typeof StagedJobSchema>;

export const StagingDescriptorSchema = z.object({
  format: z.literal('seedship-staging'),
  version: z.literal(1),
  repositoryId: z.string(),
  /** The folder holding the encrypted repository, relative to this file. */
  repository: z.string(),
  jobs: z.array(StagedJobSchema),
});
export type StagingDescriptor = z.infer<typeof StagingDescriptorSchema>;

export async function readStagingDescriptor(stagingPath: string): Promise<StagingDescriptor | null> {
  const text = await readFile(join(stagingPath, DESCRIPTOR_FILE), 'utf8').catch(() => null);
  if (text === null) return null;
  return StagingDescriptorSchema.parse(JSON.parse(text));
}

/** Adds or replaces the job's record (a later backup for the same job updates its snapshot and sizes). */
export async function recordStagedJob(stagingPath: string, repositoryId: string, repositoryFolder: string, job: StagedJob): Promise<StagingDescriptor> {
  const current = (await readStagingDescriptor(stagingPath).catch(() => null)) ?? { format: 'seedship-staging' as const, version: 1 as const, repositoryId, repository: repositoryFolder, jobs: [] };
  const next: StagingDescriptor = { ...current, repositoryId, jobs: [...current.jobs.filter((j) => j.jobName !== job.jobName), job] };
  await writeFileAtomic(join(stagingPath, DESCRIPTOR_FILE), `${JSON.stringify(next, null, 2)}\n`);
  return next;
}
