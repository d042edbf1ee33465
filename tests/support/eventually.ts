/** Retries `check` until it passes or `withinMs` is over; the last failure is rethrown. */
export async function eventually<T>(check: () => Promise<T>, withinMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
