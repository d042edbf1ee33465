import { EdgeMetricsBatchSchema, type EdgeMetricsBatch } from '@conductor/schema/contracts/metrics';
import type { Fetch } from '../src/origin/forward.ts';

/**
 * Stands in for POST /v1/metrics/edge in the workerd tests: checks the bearer token and the body
 * against the contract, answers 202 like the real endpoint, and keeps what it accepted (a retried
 * batchId counted once). `failNext` makes the next sends fail the way an unreachable control
 * plane does.
 */
export class FakeControlPlane {
  readonly received: EdgeMetricsBatch[] = [];
  readonly attempts: string[] = [];
  failNext = 0;

  constructor(private readonly token: string) {}

  readonly fetch: Fetch = async (input, init) => {
    if (!input.endsWith('/v1/metrics/edge') || init.method !== 'POST') return new Response('not found', { status: 404 });
    if (new Headers(init.headers).get('authorization') !== `Bearer ${this.token}`) return new Response('unauthenticated', { status: 401 });
    const batch = EdgeMetricsBatchSchema.parse(JSON.parse(init.body as string));
    this.attempts.push(batch.batchId);
    if (this.failNext > 0) {
      this.failNext--;
      return Response.json({ error: { code: 'INTERNAL', message: 'down' } }, { status: 503 });
    }
    const duplicate = this.received.some((b) => b.batchId === batch.batchId);
    if (!duplicate) this.received.push(batch);
    return Response.json({ accepted: true, duplicate }, { status: 202 });
  };

  series(): EdgeMetricsBatch['series'] {
    return this.received.flatMap((b) => b.series);
  }
}
