/**
 * Erlang B and Erlang C, computed stably (no factorials, no powers): the Erlang B recursion
 *   B(0, a) = 1,  B(k, a) = a·B(k−1, a) / (k + a·B(k−1, a))
 * never overflows and loses no precision for large c, and Erlang C follows from it:
 *   C(c, a) = B(c, a) / (1 − ρ(1 − B(c, a))),  ρ = a / c  (Kleinrock, Queueing Systems I, §3.5;
 *   Cooper, Introduction to Queueing Theory, 2nd ed., §3.4).
 * Unit-free: `a` is the offered load in Erlangs (λ/μ), `c` the number of servers.
 */

function assertServers(c: number): void {
  if (!Number.isInteger(c) || c < 1) throw new RangeError(`servers must be an integer ≥ 1, got ${c}`);
}

function assertLoad(a: number): void {
  if (!Number.isFinite(a) || a < 0) throw new RangeError(`offered load must be a finite number ≥ 0, got ${a}`);
}

/** Erlang B: blocking probability of c servers with no queue, offered a Erlangs. */
export function erlangB(c: number, a: number): number {
  assertServers(c);
  assertLoad(a);
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/**
 * Erlang C: probability that an arrival waits in M/M/c, offered a Erlangs on c servers. Defined for
 * ρ = a/c < 1; at ρ ≥ 1 every arrival waits (the queue is unstable) and 1 is returned.
 */
export function erlangC(c: number, a: number): number {
  assertServers(c);
  assertLoad(a);
  const rho = a / c;
  if (rho >= 1) return 1;
  const b = erlangB(c, a);
  return b / (1 - rho * (1 - b));
}
