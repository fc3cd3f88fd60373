import { describe, expect, it } from 'vitest';
import { blocksAreContiguous, buildDriveManifest } from './drive-manifest';
import { estimateUsableBytes, planSpanning } from './span-plan';

describe('planSpanning', () => {
  it('fills drives in order with whole files, first fit in path order', () => {
    const files = [
      { path: 'b', bytes: 60 },
      { path: 'a', bytes: 50 },
      { path: 'c', bytes: 30 },
      { path: 'd', bytes: 40 },
    ];
    const plan = planSpanning(files, [
      { device: 'x', usableBytes: 100 },
      { device: 'y', usableBytes: 100 },
    ]);
    expect(plan.drives.map((d) => d.files.map((f) => f.path))).toEqual([['a', 'c'], ['b', 'd']]);
    expect(plan.unplaced).toEqual([]);
    expect(plan.tooLarge).toEqual([]);
  });

  it('reports what does not fit, and files no drive can hold', () => {
    const plan = planSpanning(
      [
        { path: 'huge', bytes: 500 },
        { path: 'a', bytes: 80 },
        { path: 'b', bytes: 80 },
      ],
      [{ device: 'x', usableBytes: 100 }],
    );
    expect(plan.tooLarge.map((f) => f.path)).toEqual(['huge']);
    expect(plan.unplaced.map((f) => f.path)).toEqual(['b']);
  });

  it('estimates room conservatively', () => {
    expect(estimateUsableBytes(384 * 1024 ** 2)).toBeLessThan(384 * 1024 ** 2 * 0.97);
    expect(estimateUsableBytes(1024)).toBe(0);
  });
});

describe('buildDriveManifest', () => {
  it('writes the WAImportExport layout with escaped text and equal-length block IDs', () => {
    const xml = buildDriveManifest('SER1', [
      { blobPath: 'seed/a&b', filePath: '\\job-1\\a&b', length: 5, blocks: [{ offset: 0, length: 5, hash: 'ABC' }] },
    ]);
    expect(xml).toContain('<DriveManifest Version="2014-11-01">');
    expect(xml).toContain('<DriveId>SER1</DriveId>');
    expect(xml).toContain('<BlobPath>seed/a&amp;b</BlobPath>');
    expect(xml).toContain('<FilePath>\\job-1\\a&amp;b</FilePath>');
    const ids = [...xml.matchAll(/Id="([^"]+)"/g)].map((m) => m[1]);
    // base64 of 'BlockId' followed by 20 zero digits
    expect(ids).toEqual(['QmxvY2tJZDAwMDAwMDAwMDAwMDAwMDAwMDAw']);
  });

  it('checks blocks are ordered, without gaps, at most the block size', () => {
    expect(blocksAreContiguous([{ offset: 0, length: 4, hash: '' }, { offset: 4, length: 2, hash: '' }], 6, 4)).toBe(true);
    expect(blocksAreContiguous([{ offset: 0, length: 4, hash: '' }, { offset: 5, length: 1, hash: '' }], 6, 4)).toBe(false);
    expect(blocksAreContiguous([{ offset: 0, length: 6, hash: '' }], 6, 4)).toBe(false);
  });
});
