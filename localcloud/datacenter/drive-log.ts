import type { BlobOutcome } from './blob-import';
import type { DriveStatusCode } from './result-codes';
import { escapeXml } from './xml-reader';

/** Everything the copy logs say about one drive. */
export interface DriveLogContent {
  driveId: string;
  status: DriveStatusCode;
  /** Why the drive stopped, when it did (not part of Azure's schema: an XML comment, for people). */
  message: string | null;
  blobs: BlobOutcome[];
}

/**
 * The copy log of a drive in the Import/Export log format (Version 2014-11-01): DriveLog with the
 * DriveId, a Blob per blob (status, paths, length, import disposition, block list with each block's
 * status) and the drive's Status. The verbose log lists every blob; the error log only the blobs
 * that failed.
 */
export function buildDriveLog(content: DriveLogContent, kind: 'error' | 'verbose'): string {
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', '<DriveLog Version="2014-11-01">', `  <DriveId>${escapeXml(content.driveId)}</DriveId>`];
  if (content.message) lines.push(`  <!-- ${content.message.replace(/--/g, '- -')} -->`);
  for (const outcome of content.blobs) {
    if (kind === 'error' && outcome.status === 'Completed') continue;
    const { blob } = outcome;
    lines.push(`  <Blob Status="${outcome.status}">`, `    <BlobPath>${escapeXml(blob.blobPath)}</BlobPath>`, `    <FilePath>${escapeXml(blob.filePath)}</FilePath>`, `    <Length>${blob.length}</Length>`);
    lines.push(`    <ImportDisposition Status="${outcome.disposition}">${escapeXml(blob.importDisposition ?? 'overwrite')}</ImportDisposition>`);
    if (outcome.message) lines.push(`    <!-- ${outcome.message.replace(/--/g, '- -')} -->`);
    const blocks = kind === 'error' ? outcome.blocks.filter((b) => b.status !== 'Completed') : outcome.blocks;
    if (blocks.length > 0) {
      lines.push('    <BlockList>');
      for (const { block, status } of blocks) {
        lines.push(`      <Block Offset="${block.offset}" Length="${block.length}" Id="${escapeXml(block.id)}" Hash="${block.hash}" Status="${status}"/>`);
      }
      lines.push('    </BlockList>');
    }
    lines.push('  </Blob>');
  }
  lines.push(`  <Status>${content.status}</Status>`, '</DriveLog>', '');
  return lines.join('\n');
}

/** The drive's overall status once the copy ran: any failed blob makes it CompletedWithErrors. */
export function copyStatus(blobs: readonly BlobOutcome[]): DriveStatusCode {
  return blobs.every((b) => b.status === 'Completed') ? 'Completed' : 'CompletedWithErrors';
}
