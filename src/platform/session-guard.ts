/**
 * The training worker's session (model and dataset, training-session.ts) is read across awaits by evaluation and
 * explanation (scoring sets, CAMs, the pointing game), which the page starts right after a run ends. A new run, a
 * resumed one or a loaded model replaces (and disposes) it: it waits here until no such reader runs, or the reader would
 * meet disposed tensors ("Tensor is disposed"). Training itself is not a reader: teacher-mode CAMs run
 * between its epochs with the model it trains.
 */
let readers = 0;
let waiting: Array<() => void> = [];

/** Wraps an operation that reads the session's model or dataset across awaits. Re-entrant. */
export function readingSession<A extends unknown[], R>(operation: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    readers++;
    try {
      return await operation(...args);
    } finally {
      if (--readers === 0) for (const wake of waiting.splice(0)) wake();
    }
  };
}

/** Resolves when no reader runs; replace the model synchronously after it (no await in between). */
export async function noSessionReaders(): Promise<void> {
  while (readers > 0) await new Promise<void>((resolve) => waiting.push(resolve));
}

/** readers in flight (tests) */
export function sessionReaders(): number {
  return readers;
}
