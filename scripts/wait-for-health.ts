/**
 * Polls `url` until it answers 2xx. workerd accepts connections before the worker has pulled its
 * first config, so the edge's health route, not the open port, says when it is usable. Shared by
 * the dev/e2e stack and the benchmark's plain-workerd harness so both wait the same way.
 * `what` names the thing in the timeout error.
 */
export async function waitForHealth(url: string, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not healthy after ${timeoutMs} ms at ${url}: ${last}`);
}
