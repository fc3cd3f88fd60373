/** A span of bytes on the volume: [offset, offset + length). */
export interface ByteRange {
  offset: number;
  length: number;
}

/** Sorts and merges touching or overlapping ranges. */
export function normalizeRanges(ranges: readonly ByteRange[]): ByteRange[] {
  const sorted = ranges.filter((r) => r.length > 0).sort((a, b) => a.offset - b.offset);
  const out: ByteRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.offset <= last.offset + last.length) last.length = Math.max(last.length, r.offset + r.length - last.offset);
    else out.push({ ...r });
  }
  return out;
}

/** `ranges` minus every range in `holes`. */
export function subtractRanges(ranges: readonly ByteRange[], holes: readonly ByteRange[]): ByteRange[] {
  let current = normalizeRanges(ranges);
  for (const hole of normalizeRanges(holes)) {
    const holeEnd = hole.offset + hole.length;
    const next: ByteRange[] = [];
    for (const r of current) {
      const end = r.offset + r.length;
      if (end <= hole.offset || r.offset >= holeEnd) next.push(r);
      else {
        if (r.offset < hole.offset) next.push({ offset: r.offset, length: hole.offset - r.offset });
        if (end > holeEnd) next.push({ offset: holeEnd, length: end - holeEnd });
      }
    }
    current = next;
  }
  return current;
}

/** The parts of `ranges` inside [start, end). */
export function clipRanges(ranges: readonly ByteRange[], start: number, end: number): ByteRange[] {
  return ranges
    .map((r) => ({ offset: Math.max(r.offset, start), end: Math.min(r.offset + r.length, end) }))
    .filter((r) => r.end > r.offset)
    .map((r) => ({ offset: r.offset, length: r.end - r.offset }));
}

export function totalLength(ranges: readonly ByteRange[]): number {
  return ranges.reduce((sum, r) => sum + r.length, 0);
}
