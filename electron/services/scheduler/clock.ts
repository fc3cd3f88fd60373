/** The scheduler's view of time, injectable so tests move it instead of waiting. */
export interface Clock {
  now(): Date;
  /** Calls `fn` after `ms` (or whenever the test's clock says); returns a cancel function. */
  setTimeout(fn: () => void, ms: number): () => void;
}

/** The computer's clock; timers don't keep Node alive (the app's lifecycle does). */
export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
