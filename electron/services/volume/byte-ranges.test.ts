import { describe, expect, it } from 'vitest';
import { clipRanges, normalizeRanges, subtractRanges, totalLength } from './byte-ranges';
import { usedClusterExtents } from './ntfs/ntfs-layout';

describe('byte ranges', () => {
  it('merges, subtracts holes and clips to windows', () => {
    expect(normalizeRanges([{ offset: 10, length: 5 }, { offset: 0, length: 10 }, { offset: 30, length: 0 }])).toEqual([{ offset: 0, length: 15 }]);
    expect(subtractRanges([{ offset: 0, length: 100 }], [{ offset: 0, length: 8 }, { offset: 40, length: 10 }, { offset: 95, length: 50 }])).toEqual([
      { offset: 8, length: 32 },
      { offset: 50, length: 45 },
    ]);
    expect(clipRanges([{ offset: 8, length: 32 }, { offset: 50, length: 45 }], 30, 60)).toEqual([{ offset: 30, length: 10 }, { offset: 50, length: 10 }]);
    expect(totalLength([{ offset: 8, length: 32 }, { offset: 50, length: 45 }])).toBe(77);
  });

  it('reads used-cluster extents from an NTFS bitmap', () => {
    // clusters 0-2 used, 3 free, 4-7 used, 8-15 free, 16 used
    expect(usedClusterExtents(Buffer.from([0b11110111, 0x00, 0x01]), 20)).toEqual([
      { lcn: 0, length: 3 },
      { lcn: 4, length: 4 },
      { lcn: 16, length: 1 },
    ]);
  });
});
