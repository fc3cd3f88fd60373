import { createHash } from 'node:crypto';
import { DriveFailure } from './result-codes';
import { childrenNamed, parseXml, XmlSyntaxError, type XmlElement } from './xml-reader';

/** One block of a blob as the manifest lists it. */
export interface ManifestBlock {
  offset: number;
  length: number;
  id: string;
  /** Uppercase hex MD5 of the block's bytes. */
  hash: string;
}

export interface ManifestBlob {
  /** Container, then the blob's name: "seedship-seed/repository/p/pack001". */
  blobPath: string;
  /** Relative to the drive root, Windows style: "\\session\\repository\\p\\pack001". */
  filePath: string;
  length: number;
  /** rename | no-overwrite | overwrite (WAImportExport's ImportDisposition), when given. */
  importDisposition: string | null;
  /** null for a page blob (PageRangeList), which this datacenter doesn't import. */
  blocks: ManifestBlock[] | null;
}

export interface DriveManifest {
  version: string;
  driveId: string;
  blobs: ManifestBlob[];
}

/** Import/Export's limits on a block blob's blocks (REFERENCE: drive layout). */
export const MAX_BLOCK_BYTES = 4 * 1024 * 1024;
export const MAX_BLOCKS_PER_BLOB = 50_000;

/**
 * Checks the manifest file's bytes against the job's manifestHash: hex MD5 (32 digits) as
 * WAImportExport computes it, or SHA-256 when the job gives 64 digits (REFERENCE: accept both);
 * case-insensitive. A mismatch is ManifestCorrupted.
 */
export function checkManifestHash(bytes: Buffer, expected: string): void {
  const algorithm = expected.length === 64 ? 'sha256' : 'md5';
  const actual = createHash(algorithm).update(bytes).digest('hex');
  if (actual.toLowerCase() !== expected.toLowerCase()) {
    throw new DriveFailure('ManifestCorrupted', `The manifest's ${algorithm.toUpperCase()} is ${actual.toUpperCase()}, but the job says ${expected.toUpperCase()}: the manifest changed after the job was created.`);
  }
}

/**
 * Reads DriveManifest.xml (WAImportExport v1, Version 2014-11-01): DriveId, then BlobList/Blob with
 * BlobPath, FilePath, Length and a BlockList whose blocks cover the file in order, without gaps,
 * ≤ 4 MiB each, with an uppercase hex MD5. Anything else is ManifestFormatInvalid.
 */
export function readDriveManifest(text: string): DriveManifest {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw new DriveFailure('ManifestFormatInvalid', `The manifest is not well-formed XML: ${error.message}.`);
    throw error;
  }
  const invalid = (why: string): never => {
    throw new DriveFailure('ManifestFormatInvalid', `The manifest does not follow the DriveManifest format: ${why}.`);
  };
  if (root.name !== 'DriveManifest') invalid(`its root element is <${root.name}>, not <DriveManifest>`);
  const [drive, ...moreDrives] = childrenNamed(root, 'Drive');
  if (!drive || moreDrives.length > 0) return invalid('it needs exactly one <Drive>');
  const driveId = single(drive, 'DriveId', invalid).text.trim();
  if (driveId === '') invalid('<DriveId> is empty');
  const blobs: ManifestBlob[] = [];
  for (const list of childrenNamed(drive, 'BlobList')) {
    for (const blob of childrenNamed(list, 'Blob')) blobs.push(readBlob(blob, blobs.length, invalid));
  }
  return { version: root.attributes.Version ?? '', driveId, blobs };
}

function readBlob(blob: XmlElement, index: number, invalid: (why: string) => never): ManifestBlob {
  const where = `blob ${index + 1}`;
  const blobPath = single(blob, 'BlobPath', invalid, where).text.trim();
  const filePath = single(blob, 'FilePath', invalid, where).text.trim();
  const length = wholeNumber(single(blob, 'Length', invalid, where).text.trim(), `${where}'s <Length>`, invalid);
  if (blobPath === '' || !blobPath.includes('/')) invalid(`${where}'s <BlobPath> "${blobPath}" must be <container>/<blob name>`);
  if (filePath === '') invalid(`${where}'s <FilePath> is empty`);
  const disposition = childrenNamed(blob, 'ImportDisposition')[0]?.text.trim() ?? null;
  if (childrenNamed(blob, 'PageRangeList').length > 0) return { blobPath, filePath, length, importDisposition: disposition, blocks: null };
  const blockList = single(blob, 'BlockList', invalid, where);
  const blocks = childrenNamed(blockList, 'Block').map((b, i): ManifestBlock => {
    const at = `${where}, block ${i + 1}`;
    const hash = b.attributes.Hash ?? '';
    if (!/^[0-9A-Fa-f]{32}$/.test(hash)) invalid(`${at} has no MD5 Hash`);
    return {
      offset: wholeNumber(b.attributes.Offset ?? '', `${at}'s Offset`, invalid),
      length: wholeNumber(b.attributes.Length ?? '', `${at}'s Length`, invalid),
      id: b.attributes.Id ?? '',
      hash: hash.toUpperCase(),
    };
  });
  let next = 0;
  for (const [i, b] of blocks.entries()) {
    if (b.offset !== next) invalid(`${where}'s block ${i + 1} starts at ${b.offset}, not ${next} (blocks must be in order, without gaps)`);
    if (b.length <= 0 || b.length > MAX_BLOCK_BYTES) invalid(`${where}'s block ${i + 1} is ${b.length} bytes (1 byte to 4 MiB)`);
    next += b.length;
  }
  if (next !== length) invalid(`${where}'s blocks cover ${next} bytes but its <Length> is ${length}`);
  if (blocks.length > MAX_BLOCKS_PER_BLOB) invalid(`${where} has ${blocks.length} blocks (at most ${MAX_BLOCKS_PER_BLOB})`);
  if (new Set(blocks.map((b) => b.id.length)).size > 1) invalid(`${where}'s block Ids differ in length (Azure needs one length per blob)`);
  return { blobPath, filePath, length, importDisposition: disposition, blocks };
}

function single(parent: XmlElement, name: string, invalid: (why: string) => never, where = `<${parent.name}>`): XmlElement {
  const found = childrenNamed(parent, name);
  if (found.length !== 1) return invalid(`${where} needs one <${name}>`);
  return found[0] as XmlElement;
}

function wholeNumber(text: string, what: string, invalid: (why: string) => never): number {
  if (!/^\d{1,15}$/.test(text)) return invalid(`${what} "${text}" is not a whole number`);
  return Number(text);
}
