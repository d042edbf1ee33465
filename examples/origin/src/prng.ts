/**
 * mulberry32 (Tommy Ettinger, public domain): a small, fast, seeded 32-bit generator → [0, 1).
 * Pure, so the example origin and the test suites share one copy; same seed → same stream.
 * (The queueing simulator keeps its own xoshiro128** in `@conductor/control-plane/random`:
 * it needs 53-bit doubles, and swapping generators would change every seeded simulation result.)
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
