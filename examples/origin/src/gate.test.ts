import { describe, expect, it } from 'vitest';
import { createGate } from './gate.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('createGate', () => {
  it('runs at most `limit` tasks at once and starts the queued ones in arrival order', async () => {
    const gate = createGate(2);
    const releases = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    const all = releases.map((d, i) =>
      gate(async () => {
        started.push(i);
        peak = Math.max(peak, ++running);
        await d.promise;
        running--;
        return i;
      }),
    );

    await flush();
    expect(started).toEqual([0, 1]);
    releases[1]!.resolve();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    releases.forEach((d) => d.resolve());

    expect(await Promise.all(all)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('frees the slot when a task throws', async () => {
    const gate = createGate(1);
    await expect(gate(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate(async () => 'next')).toBe('next');
  });

  it('does not limit without a limit', async () => {
    const gate = createGate();
    const hold = deferred();
    let started = 0;
    const tasks = Array.from({ length: 50 }, () =>
      gate(async () => {
        started++;
        await hold.promise;
      }),
    );
    await flush();
    expect(started).toBe(50);
    hold.resolve();
    await Promise.all(tasks);
  });

  it('rejects a nonsensical limit', () => {
    expect(() => createGate(0)).toThrow(RangeError);
  });
});
