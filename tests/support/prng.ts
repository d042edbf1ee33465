// mulberry32, shared with the example origin, so a failing randomised run can be replayed from its seed.
export { mulberry32 as prng } from '@conductor/example-origin/prng';

export function pick<T>(rand: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rand() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}
