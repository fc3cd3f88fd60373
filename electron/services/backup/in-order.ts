/**
 * Releases values in the order their slots were reserved, whatever order they are filled in
 * (a null fills a slot with nothing to release). Only the values filled ahead of the oldest
 * unfilled slot wait.
 */
export class InOrder<T> {
  private reserved = 0;
  private next = 0;
  private readonly waiting = new Map<number, T | null>();

  constructor(private readonly release: (value: T) => void) {}

  reserve(): number {
    return this.reserved++;
  }

  fill(slot: number, value: T | null): void {
    this.waiting.set(slot, value);
    while (this.waiting.has(this.next)) {
      const ready = this.waiting.get(this.next) as T | null;
      this.waiting.delete(this.next);
      this.next += 1;
      if (ready !== null) this.release(ready);
    }
  }

  /** Slots reserved and not yet released. */
  get pending(): number {
    return this.reserved - this.next;
  }
}
