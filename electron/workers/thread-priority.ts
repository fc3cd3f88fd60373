import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * On Linux a thread has its own nice value: lowering a worker's lets the UI thread (and the
 * operator's other programs) win the CPU whenever they want it while every core works. Elsewhere,
 * and if refused, the default priority stays.
 */
export function lowerThreadPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // Not fatal: the work just competes at normal priority.
  }
}
