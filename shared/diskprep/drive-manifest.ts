/**
 * DriveManifest.xml as WAImportExport v1 writes it (Version 2014-11-01): per blob, its path in the
 * storage account (starting with the container), the file's path relative to the drive root, its
 * length and the block list (≤ 4 MiB blocks, in order, no gaps, uppercase hex MD5 each).
 */
export interface ManifestBlock {
  offset: number;
  length: number;
  /** Uppercase hex MD5 of the block. */
  hash: string;
}

export interface ManifestBlob {
  blobPath: string;
  /** Relative to the drive root, with backslashes as Windows shows it ("\\job-1\\repo\\p0001"). */
  filePath: string;
  length: number;
  blocks: ManifestBlock[];
}

/** Import/Export refuses more blocks than this per blob. */
export const MAX_BLOCKS_PER_BLOB = 50_000;

export function buildDriveManifest(driveId: string, blobs: readonly ManifestBlob[]): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<DriveManifest Version="2014-11-01">', '  <Drive>', `    <DriveId>${xml(driveId)}</DriveId>`, '    <ClientCreator>Seedship</ClientCreator>', '    <BlobList>'];
  for (const blob of blobs) {
    lines.push('      <Blob>', `        <BlobPath>${xml(blob.blobPath)}</BlobPath>`, `        <FilePath>${xml(blob.filePath)}</FilePath>`, `        <Length>${blob.length}</Length>`, '        <BlockList>');
    for (const b of blob.blocks) lines.push(`          <Block Offset="${b.offset}" Length="${b.length}" Id="${blockId(b.offset)}" Hash="${b.hash}"/>`);
    lines.push('        </BlockList>', '      </Blob>');
  }
  lines.push('    </BlobList>', '  </Drive>', '</DriveManifest>', '');
  return lines.join('\n');
}

/** Block IDs must have one length within a blob: base64 of the zero-padded offset, as WAImportExport does. */
function blockId(offset: number): string {
  return base64Ascii(`BlockId${String(offset).padStart(20, '0')}`);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 of an ASCII string (shared/ has neither Buffer nor btoa). */
function base64Ascii(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 3) {
    const a = text.charCodeAt(i);
    const b = i + 1 < text.length ? text.charCodeAt(i + 1) : -1;
    const c = i + 2 < text.length ? text.charCodeAt(i + 2) : -1;
    const n = (a << 16) | (Math.max(b, 0) << 8) | Math.max(c, 0);
    out += B64.charAt((n >> 18) & 63) + B64.charAt((n >> 12) & 63) + (b < 0 ? '=' : B64.charAt((n >> 6) & 63)) + (c < 0 ? '=' : B64.charAt(n & 63));
  }
  return out;
}

/** Whether blocks cover [0, length) in order, without gaps, each ≤ `maxBlock`. */
export function blocksAreContiguous(blocks: readonly ManifestBlock[], length: number, maxBlock: number): boolean {
  let at = 0;
  for (const b of blocks) {
    if (b.offset !== at || b.length <= 0 || b.length > maxBlock) return false;
    at += b.length;
  }
  return at === length && blocks.length <= MAX_BLOCKS_PER_BLOB;
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
