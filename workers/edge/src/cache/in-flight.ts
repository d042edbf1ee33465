/**
 * One origin fetch per cache URL per isolate: the first miss (or a stale entry's background
 * refresh) starts a flight, later requests for the same URL await it instead of asking the origin
 * again. The URL carries the generation digest, so a request made after a purge computes another
 * URL and never joins a flight that began before the purge.
 *
 * A flight settles to a value, never a rejection: what is shared is only what every waiter may
 * receive (see FlightResult in graphql/cached-read.ts). It is forgotten once settled.
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
