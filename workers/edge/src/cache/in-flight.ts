import type { HotEntry } from './hot-entries.ts';

/**
 * One origin fetch per cache URL per isolate: the first miss (or a stale entry's background
 * refresh) starts a flight, later requests for the same URL await it instead of asking the origin
 * again. The URL carries the generation digest, so a request made after a purge computes another
 * URL and never joins a flight that began before the purge.
 *
 * A flight settles to a value, never a rejection: what is shared is only what every waiter may
 * receive (FlightResult below). It is forgotten once settled.
 */
export class InFlight<T> {
  private readonly flights = new Map<string, Promise<T>>();

  get(key: string): Promise<T> | undefined {
    return this.flights.get(key);
  }

  /** Runs `fetch` as the flight for `key`. Call only after `get(key)` answered undefined. */
  start(key: string, fetch: () => Promise<T>): Promise<T> {
    const flight = fetch().finally(() => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    });
    this.flights.set(key, flight);
    return flight;
  }

  get size(): number {
    return this.flights.size;
  }
}

/**
 * What a flight shares with the requests waiting on it. Only a storable answer is shared: it is
 * the same body a cache hit would have served them. Anything else (an error, a no-store/private
 * or non-2xx answer) belonged to the leader's request alone, so waiters ask the origin themselves.
 */
export type FlightResult =
  | { kind: 'stored'; entry: HotEntry }
  | { kind: 'not-shared' }
  /** Unreachable, timed out, or 5xx: waiters holding a stale-if-error entry serve it at once. */
  | { kind: 'origin-failed' };
