/**
 * An ideal first-come-first-served queue in front of c identical servers. With FCFS, customer n
 * starts at max(arrival_n, earliest time a server is free), so a min-heap of the servers' free
 * times is the whole state (O(log c) per customer). Shared by the simulator and by `replayFifo`.
 */
export class FifoServers {
  private readonly free: Float64Array;

  constructor(readonly servers: number) {
    if (!Number.isInteger(servers) || servers < 1) throw new RangeError(`servers must be an integer ≥ 1, got ${servers}`);
    this.free = new Float64Array(servers);
  }

  /** Admits a customer arriving at `arrival` (non-decreasing across calls) needing `service`; returns its wait. */
  admit(arrival: number, service: number): number {
    const free = this.free;
    const start = free[0]! > arrival ? free[0]! : arrival;
    free[0] = start + service;
    siftDown(free);
    return start - arrival;
  }
}

/**
 * Waits of customers with these arrival and service times (same unit, arrivals sorted ascending)
 * through an ideal FCFS c-server queue. Replaying what a real server measured (send times, its own
 * service times) shows whether that server *is* such a queue: if its measured queue times match
 * the replay, it is, and any model error lies in the inputs the model got (docs/what-if.md).
 */
export function replayFifo(arrivals: ArrayLike<number>, services: ArrayLike<number>, servers: number): Float64Array {
  if (arrivals.length !== services.length) throw new RangeError(`arrivals (${arrivals.length}) and services (${services.length}) differ in length`);
  const queue = new FifoServers(servers);
  const waits = new Float64Array(arrivals.length);
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < arrivals.length; i++) {
    const t = arrivals[i]!;
    const s = services[i]!;
    if (!(t >= last)) throw new RangeError(`arrivals must be sorted ascending and finite (index ${i})`);
    if (!(s >= 0) || !Number.isFinite(s)) throw new RangeError(`services must be finite and ≥ 0 (index ${i})`);
    last = t;
    waits[i] = queue.admit(t, s);
  }
  return waits;
}

/** Restores the min-heap after its root grew. */
function siftDown(heap: Float64Array): void {
  const size = heap.length;
  let i = 0;
  const value = heap[0]!;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    const r = l + 1;
    const child = r < size && heap[r]! < heap[l]! ? r : l;
    if (heap[child]! >= value) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = value;
}
