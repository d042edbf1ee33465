/**
 * Admits at most `limit` tasks at once; the rest wait in FIFO order. The queueing backtests
 * of later issues need an origin that saturates like a real one instead of scaling forever.
 * No limit means every task runs immediately.
 */
export function createGate(limit?: number): <T>(task: () => Promise<T>) => Promise<T> {
  if (limit === undefined) return (task) => task();
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrencyLimit must be a positive integer, got ${limit}`);
  let running = 0;
  const waiting: Array<() => void> = [];

  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, so `running` never dips and lets a newcomer jump the queue.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
