/**
 * The leakage detector's judgement of one response, pure so its vectors pin it. Every name the
 * example origin returns carries its tenant's id (renames included), and tenant ids in this pack
 * are random (`leak-<10 hex>`), so another tenant's id anywhere in a body means that body, or a
 * piece of it, was cached for someone else.
 */
export function foreignTenantsIn(text: string, self: string, tenants: readonly string[]): string[] {
  return tenants.filter((t) => t !== self && text.includes(t));
}

export type Verdict =
  | { ok: true }
  /** Another tenant's data in the body: the failure this pack exists to catch. */
  | { ok: false; kind: 'leak'; foreign: string[] }
  /** No foreign id, yet not what the origin answers this tenant (or not its own data at all). */
  | { ok: false; kind: 'mismatch'; detail: string }
  | { ok: false; kind: 'error'; detail: string };

export interface Observed {
  status: number;
  text: string;
  body: unknown;
}

/**
 * `expected` is the origin's own answer for this tenant and request, or undefined where the data
 * may change during the run (renamed entities): then the body must merely name its own tenant.
 */
export function judge(observed: Observed, self: string, tenants: readonly string[], expected: unknown, same: (a: unknown, b: unknown) => boolean): Verdict {
  const foreign = foreignTenantsIn(observed.text, self, tenants);
  if (foreign.length > 0) return { ok: false, kind: 'leak', foreign };
  if (observed.status !== 200) return { ok: false, kind: 'error', detail: `status ${observed.status}: ${observed.text.slice(0, 200)}` };
  if (expected === undefined) {
    return observed.text.includes(self) ? { ok: true } : { ok: false, kind: 'mismatch', detail: `body does not name ${self}: ${observed.text.slice(0, 200)}` };
  }
  return same(observed.body, expected) ? { ok: true } : { ok: false, kind: 'mismatch', detail: `differs from the origin's answer: ${observed.text.slice(0, 200)}` };
}
