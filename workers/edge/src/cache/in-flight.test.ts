import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight.ts';

describe('InFlight', () => {
  it('shares one flight per key until it settles, then forgets it', async () => {
    const flights = new InFlight<string>();
    let release!: (v: string) => void;
    let runs = 0;
    const first = flights.start('u1', () => {
      runs++;
      return new Promise<string>((r) => (release = r));
    });
    expect(flights.get('u1')).toBe(first);
    expect(flights.get('u2')).toBeUndefined();
    release('answer');
    expect(await flights.get('u1')).toBe('answer');
    expect(runs).toBe(1);
    expect(flights.get('u1')).toBeUndefined();
    expect(flights.size).toBe(0);
  });

  it('forgets a flight that rejected, so the next request starts afresh', async () => {
    const flights = new InFlight<string>();
    await expect(flights.start('u1', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(flights.get('u1')).toBeUndefined();
  });
});
