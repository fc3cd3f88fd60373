import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import type { ManifestBlob, ManifestBlock } from './manifest-reader';
import type { BlobStatusCode, BlockStatusCode } from './result-codes';

export interface BlockOutcome {
  block: ManifestBlock;
  status: BlockStatusCode;
}

export type DispositionStatus = 'Created' | 'Overwritten' | 'Skipped' | 'Cancelled';

/** What happened to one blob of the manifest: the copy log's Blob element. */
export interface BlobOutcome {
  blob: ManifestBlob;
  status: BlobStatusCode;
  disposition: DispositionStatus;
  blocks: BlockOutcome[];
  /** Bytes that reached the storage account as part of a committed blob. */
  bytesCommitted: number;
  message: string | null;
}

/** Blocks uploaded at once per blob: enough to keep Azurite busy while the next block is read and hashed. */
const IN_FLIGHT = 4;

/**
 * Copies one file of the drive into its block blob, as Import/Export does: every block is read,
 * checked against the manifest's MD5 (a mismatch is a Corrupted block), and put with the manifest's
 * block id; the block list is committed only when every block is good, so a damaged file never
 * becomes a blob. `rename` (Azure's default disposition) is treated as overwrite here: the local
 * datacenter never invents new blob names.
 */
export class BlobImporter {
  private readonly containers = new Map<string, Promise<ContainerClient>>();

  constructor(
    private readonly service: BlobServiceClient,
    private readonly driveRoot: string,
  ) {}

  async importBlob(blob: ManifestBlob, onBytes: (bytes: number) => void): Promise<BlobOutcome> {
    const outcome = (status: BlobStatusCode, message: string | null, blocks: BlockOutcome[] = [], disposition: DispositionStatus = 'Cancelled', bytesCommitted = 0): BlobOutcome => ({ blob, status, disposition, blocks, bytesCommitted, message });
    const cancelled = () => (blob.blocks ?? []).map((block): BlockOutcome => ({ block, status: 'Cancelled' }));
    const segments = blob.filePath.split(/[\\/]+/).filter(Boolean);
    if (segments.length === 0 || segments.some((s) => s === '.' || s === '..' || s.includes(':'))) {
      return outcome('FileNameInvalid', `The file path ${blob.filePath} is not a path inside the drive.`, cancelled());
    }
    if (blob.blocks === null) return outcome('Failed', 'Page blobs (PageRangeList) are not imported by the local datacenter.');
    const [containerName, ...nameParts] = blob.blobPath.split('/');
    const blobName = nameParts.join('/');

    let file;
    try {
      file = await open(join(this.driveRoot, ...segments), 'r');
    } catch (error) {
      const code = (error as { code?: string }).code;
      return outcome(code === 'ENOENT' ? 'FileNotFound' : 'IOFailed', `${blob.filePath}: ${(error as Error).message}`, cancelled());
    }
    try {
      let client;
      let disposition: DispositionStatus;
      try {
        client = (await this.container(containerName as string)).getBlockBlobClient(blobName);
        const exists = await client.exists();
        if (exists && blob.importDisposition === 'no-overwrite') return outcome('Completed', null, [], 'Skipped');
        disposition = exists ? 'Overwritten' : 'Created';
      } catch (error) {
        return outcome('BlobRequestFailed', `${blob.blobPath}: ${(error as Error).message}`, cancelled());
      }
      const results: BlockOutcome[] = [];
      const pending = new Set<Promise<void>>();
      for (const block of blob.blocks) {
        const data = Buffer.alloc(block.length);
        let read = 0;
        try {
          read = (await file.read(data, 0, block.length, block.offset)).bytesRead;
        } catch {
          results.push({ block, status: 'IOFailed' });
          continue;
        }
        if (read < block.length) {
          results.push({ block, status: 'FileUnexpectedEnd' });
          continue;
        }
        const md5 = createHash('md5').update(data).digest();
        if (md5.toString('hex').toUpperCase() !== block.hash) {
          results.push({ block, status: 'Corrupted' });
          continue;
        }
        const result: BlockOutcome = { block, status: 'Uncommitted' };
        results.push(result);
        const put = client
          .stageBlock(blockIdOf(block), data, block.length, { transactionalContentMD5: md5 })
          .then(
            () => onBytes(block.length),
            () => {
              result.status = 'BlobRequestFailed';
            },
          )
          .finally(() => pending.delete(put));
        pending.add(put);
        if (pending.size >= IN_FLIGHT) await Promise.race(pending);
      }
      await Promise.all(pending);
      if (results.some((r) => r.status !== 'Uncommitted')) {
        return outcome('CompletedWithErrors', `${results.filter((r) => r.status !== 'Uncommitted').length} of ${results.length} blocks failed; the blob was not committed.`, results, 'Cancelled');
      }
      try {
        await client.commitBlockList(blob.blocks.map(blockIdOf));
      } catch (error) {
        return outcome('BlobRequestFailed', `Committing ${blob.blobPath}: ${(error as Error).message}`, results, 'Cancelled');
      }
      for (const r of results) r.status = 'Completed';
      return outcome('Completed', null, results, disposition, blob.length);
    } finally {
      await file.close();
    }
  }

  private container(name: string): Promise<ContainerClient> {
    let found = this.containers.get(name);
    if (!found) {
      const client = this.service.getContainerClient(name);
      found = client.createIfNotExists().then(() => client);
      found.catch(() => this.containers.delete(name));
      this.containers.set(name, found);
    }
    return found;
  }
}

/** The manifest's block id, or (when it gives none) WAImportExport's: base64 of the zero-padded offset. */
function blockIdOf(block: ManifestBlock): string {
  return block.id !== '' ? block.id : Buffer.from(`BlockId${String(block.offset).padStart(20, '0')}`).toString('base64');
}
