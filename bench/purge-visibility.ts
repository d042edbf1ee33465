import { SIGNATURE_HEADER, signWebhook, variablesHash } from '@conductor/sdk';
import { summarise, type Summary } from './stats.ts';

export interface PurgeVisibility {
  purges: number;
  /** Purge sent → first read that returned x-cache MISS was sent (the purge was visible to it). */
  visibleMs: Summary;
  /** Purge sent → that MISS read answered (includes one origin round trip). */
  freshAnsweredMs: Summary;
  /** Purge sent → receipt received. */
  receiptMs: Summary;
  /** Reads that still saw the old generation while the purge was in flight. */
  staleReadsWhileInFlight: number;
  failures: number;
}

export interface PurgeProbeOptions {
  edgeUrl: string;
  token: string;
  tenant: string;
  purgeSecret: string;
  documentId: string;
  /** Entity ids no load request touches, so only this probe fills and reads them. */
  entityIds: string[];
  purges: number;
  perPurgeTimeoutMs: number;
}

/**
 * Measures how long a purge takes to become visible: warm a key, send the signed purge, and read the
 * key back-to-back (without waiting for the receipt) until a read misses.
 */
export async function measurePurgeVisibility(opts: PurgeProbeOptions): Promise<PurgeVisibility> {
  const visible: number[] = [];
  const answered: number[] = [];
  const receipts: number[] = [];
  let stale = 0;
  let failures = 0;

  const read = async (id: string): Promise<string | null> => {
    const res = await fetch(`${opts.edgeUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
      body: JSON.stringify({ documentId: opts.documentId, variables: { id } }),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`read ${id}: ${res.status}`);
    return res.headers.get('x-cache');
  };

  for (let i = 0; i < opts.purges; i++) {
    const id = opts.entityIds[i % opts.entityIds.length]!;
    try {
      // Warm: after one fill the key must be a HIT, else there is nothing to purge.
      if ((await read(id)) !== 'HIT' && (await read(id)) !== 'HIT') throw new Error(`entity ${id} never became a HIT`);

      const body = JSON.stringify({
        purgeId: `bench-${Date.now()}-${i}`,
        tenant: opts.tenant,
        opId: opts.documentId,
        varsHash: await variablesHash({ id }),
      });
      const signature = await signWebhook(opts.purgeSecret, body);
      const t0 = performance.now();
      const receipt = fetch(`${opts.edgeUrl}/__edge/purge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
        body,
      }).then(async (res) => {
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`purge ${id}: ${res.status}`);
        receipts.push(performance.now() - t0);
      });

      for (;;) {
        const sent = performance.now();
        if (sent - t0 > opts.perPurgeTimeoutMs) throw new Error(`purge of ${id} not visible after ${opts.perPurgeTimeoutMs} ms`);
        const cache = await read(id);
        if (cache === 'MISS') {
          visible.push(sent - t0);
          answered.push(performance.now() - t0);
          break;
        }
        stale++;
      }
      await receipt;
    } catch (err) {
      failures++;
      console.error('[purge probe]', (err as Error).message);
    }
  }
  return {
    purges: opts.purges,
    visibleMs: summarise(visible),
    freshAnsweredMs: summarise(answered),
    receiptMs: summarise(receipts),
    staleReadsWhileInFlight: stale,
    failures,
  };
}
