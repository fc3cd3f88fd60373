import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildDriveLog } from './drive-log';
import { checkManifestHash, readDriveManifest } from './manifest-reader';
import { DriveFailure } from './result-codes';
import { parseXml } from './xml-reader';

const MiB = 1024 * 1024;
const H = '0123456789ABCDEF0123456789ABCDEF';

function manifest(blobs: string, driveId = 'WD-WCC4N1234567'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<DriveManifest Version="2014-11-01">
  <Drive>
    <DriveId>${driveId}</DriveId>
    <ClientCreator>Seedship</ClientCreator>
    <BlobList>${blobs}</BlobList>
  </Drive>
</DriveManifest>
`;
}

const blob = (blocks: string, length: number, path = 'seed/repo/p1') =>
  `<Blob><BlobPath>${path}</BlobPath><FilePath>\\session\\repo\\p1</FilePath><Length>${length}</Length><BlockList>${blocks}</BlockList></Blob>`;

function failure(run: () => unknown): DriveFailure {
  try {
    run();
  } catch (error) {
    if (error instanceof DriveFailure) return error;
    throw error;
  }
  throw new Error('expected a DriveFailure');
}

describe('readDriveManifest', () => {
  it('reads the WAImportExport layout: drive id, blob and file paths, ordered blocks with their MD5s', () => {
    const text = manifest(blob(`<Block Offset="0" Length="${4 * MiB}" Id="QQ==" Hash="${H.toLowerCase()}"/><Block Offset="${4 * MiB}" Length="10" Id="Qg==" Hash="${H}"/>`, 4 * MiB + 10, 'seed/a &amp; b'));
    const parsed = readDriveManifest(text);
    expect(parsed).toMatchObject({ version: '2014-11-01', driveId: 'WD-WCC4N1234567' });
    expect(parsed.blobs).toEqual([
      {
        blobPath: 'seed/a & b',
        filePath: '\\session\\repo\\p1',
        length: 4 * MiB + 10,
        importDisposition: null,
        blocks: [
          { offset: 0, length: 4 * MiB, id: 'QQ==', hash: H },
          { offset: 4 * MiB, length: 10, id: 'Qg==', hash: H },
        ],
      },
    ]);
  });

  it.each([
    ['not XML at all', 'this is not xml'],
    ['an unclosed element', '<DriveManifest><Drive>'],
    ['a DOCTYPE (entity expansion)', '<!DOCTYPE x [<!ENTITY a "b">]><DriveManifest/>'],
    ['another root element', '<Manifest><Drive><DriveId>x</DriveId></Drive></Manifest>'],
    ['no DriveId', '<DriveManifest><Drive><BlobList/></Drive></DriveManifest>'],
    ['a gap between blocks', manifest(blob(`<Block Offset="0" Length="10" Id="QQ==" Hash="${H}"/><Block Offset="11" Length="10" Id="Qg==" Hash="${H}"/>`, 21))],
    ['a block over 4 MiB', manifest(blob(`<Block Offset="0" Length="${4 * MiB + 1}" Id="QQ==" Hash="${H}"/>`, 4 * MiB + 1))],
    ['a Length the blocks do not cover', manifest(blob(`<Block Offset="0" Length="10" Id="QQ==" Hash="${H}"/>`, 11))],
    ['a block without an MD5', manifest(blob('<Block Offset="0" Length="10" Id="QQ=="/>', 10))],
    ['block ids of different lengths', manifest(blob(`<Block Offset="0" Length="1" Id="QQ==" Hash="${H}"/><Block Offset="1" Length="1" Id="QUJDRA==" Hash="${H}"/>`, 2))],
    ['a BlobPath without a container', manifest(blob('', 0, 'justaname'))],
  ])('refuses %s as ManifestFormatInvalid', (_what, text) => {
    expect(failure(() => readDriveManifest(text)).code).toBe('ManifestFormatInvalid');
  });
});

describe('checkManifestHash', () => {
  const bytes = Buffer.from(manifest(''));
  const md5 = createHash('md5').update(bytes).digest('hex');
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  it('accepts the MD5 in either case, or a SHA-256 when the job gives 64 digits', () => {
    expect(() => checkManifestHash(bytes, md5.toUpperCase())).not.toThrow();
    expect(() => checkManifestHash(bytes, md5)).not.toThrow();
    expect(() => checkManifestHash(bytes, sha256.toUpperCase())).not.toThrow();
  });

  it('calls a manifest that changed ManifestCorrupted', () => {
    const changed = Buffer.concat([bytes, Buffer.from(' ')]);
    expect(failure(() => checkManifestHash(changed, md5)).code).toBe('ManifestCorrupted');
    expect(failure(() => checkManifestHash(changed, sha256)).code).toBe('ManifestCorrupted');
  });
});

describe('buildDriveLog', () => {
  const parsed = readDriveManifest(manifest(blob(`<Block Offset="0" Length="10" Id="QQ==" Hash="${H}"/><Block Offset="10" Length="10" Id="Qg==" Hash="${H}"/>`, 20) + blob('', 0, 'seed/&lt;empty&gt;')));
  const [damaged, empty] = parsed.blobs as [(typeof parsed.blobs)[0], (typeof parsed.blobs)[0]];
  const content = {
    driveId: 'WD-1',
    status: 'CompletedWithErrors' as const,
    message: 'one blob -- failed',
    blobs: [
      { blob: damaged, status: 'CompletedWithErrors' as const, disposition: 'Cancelled' as const, bytesCommitted: 0, message: null, blocks: [{ block: damaged.blocks?.[0] as NonNullable<typeof damaged.blocks>[0], status: 'Uncommitted' as const }, { block: damaged.blocks?.[1] as NonNullable<typeof damaged.blocks>[0], status: 'Corrupted' as const }] },
      { blob: empty, status: 'Completed' as const, disposition: 'Created' as const, bytesCommitted: 0, message: null, blocks: [] },
    ],
  };

  it('writes a well-formed DriveLog; the error log keeps only what failed', () => {
    const verbose = parseXml(buildDriveLog(content, 'verbose'));
    expect(verbose.name).toBe('DriveLog');
    expect(verbose.attributes.Version).toBe('2014-11-01');
    expect(verbose.children.filter((c) => c.name === 'Blob').map((b) => b.attributes.Status)).toEqual(['CompletedWithErrors', 'Completed']);
    expect(verbose.children.find((c) => c.name === 'Blob' && c.attributes.Status === 'Completed')?.children.find((c) => c.name === 'BlobPath')?.text).toBe('seed/<empty>');

    const error = parseXml(buildDriveLog(content, 'error'));
    const blobs = error.children.filter((c) => c.name === 'Blob');
    expect(blobs).toHaveLength(1);
    const blocks = blobs[0]?.children.find((c) => c.name === 'BlockList')?.children ?? [];
    expect(blocks.map((b) => [b.attributes.Offset, b.attributes.Status])).toEqual([
      ['0', 'Uncommitted'],
      ['10', 'Corrupted'],
    ]);
    expect(error.children.find((c) => c.name === 'Status')?.text).toBe('CompletedWithErrors');
  });
});
