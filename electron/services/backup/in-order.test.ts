import { describe, expect, it } from 'vitest';
import { InOrder } from './in-order';

describe('InOrder', () => {
  it('releases in the order slots were reserved, skipping empty ones, whatever order they are filled in', () => {
    const out: string[] = [];
    const inOrder = new InOrder<string>((v) => out.push(v));
    const [a, b, c, d] = [inOrder.reserve(), inOrder.reserve(), inOrder.reserve(), inOrder.reserve()] as [number, number, number, number];
    inOrder.fill(c, 'c');
    inOrder.fill(b, null);
    expect(out).toEqual([]);
    expect(inOrder.pending).toBe(4);
    inOrder.fill(a, 'a');
    expect(out).toEqual(['a', 'c']);
    inOrder.fill(d, 'd');
    inOrder.fill(inOrder.reserve(), 'e');
    expect(out).toEqual(['a', 'c', 'd', 'e']);
    expect(inOrder.pending).toBe(0);
  });
});
