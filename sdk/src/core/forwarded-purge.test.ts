import { describe, expect, it } from 'vitest';
import { PurgeRequestSchema } from '../contracts/purge.ts';
import { fieldPurgeId, newForwardedPurgeId, signForwardedPurgeId, verifiedForwardedPurgeId } from './forwarded-purge.ts';
import { signWebhook } from './webhook-signature.ts';

const SECRET = 'test-purge-secret-0123456789abcdef';
const T = 1_780_000_000;

describe('forwarded purge ids', () => {
  it('an id the edge signed is honoured within the replay window, and only with the same secret', async () => {
    const id = newForwardedPurgeId();
    const signature = await signForwardedPurgeId(SECRET, id, T);
    expect(await verifiedForwardedPurgeId(SECRET, id, signature, T + 299)).toBe(id);
    expect(await verifiedForwardedPurgeId(SECRET, id, signature, T + 301)).toBeNull();
    expect(await verifiedForwardedPurgeId('another-secret-0123456789abcdef', id, signature, T)).toBeNull();
    expect(await verifiedForwardedPurgeId(SECRET, newForwardedPurgeId(), signature, T)).toBeNull();
    expect(await verifiedForwardedPurgeId(SECRET, id, null, T)).toBeNull();
  });

  it('ids not of the edge form are refused even when signed, and so are other signed messages', async () => {
    for (const id of ['purge-0001-old', 'edge-mutation:not-a-uuid', `${newForwardedPurgeId()}:extra`]) {
      expect(await verifiedForwardedPurgeId(SECRET, id, await signForwardedPurgeId(SECRET, id, T), T)).toBeNull();
    }
    // A purge webhook signature over the bare id is not a forwarded-id signature.
    const id = newForwardedPurgeId();
    expect(await verifiedForwardedPurgeId(SECRET, id, await signWebhook(SECRET, id, T), T)).toBeNull();
  });

  it('one purge id per root field, within the purge contract, long response keys hashed', async () => {
    const id = newForwardedPurgeId();
    expect(await fieldPurgeId(id, 'updateEntity')).toBe(`${id}:updateEntity`);
    expect(await fieldPurgeId(id, 'first')).not.toBe(await fieldPurgeId(id, 'second'));
    const long = await fieldPurgeId(id, `a${'x'.repeat(100)}`);
    expect(long).toMatch(new RegExp(`^${id}:#[0-9a-f]{40}$`));
    expect(long).not.toBe(await fieldPurgeId(id, `a${'x'.repeat(101)}`));
    for (const purgeId of [await fieldPurgeId(id, 'updateEntity'), long]) {
      expect(PurgeRequestSchema.safeParse({ purgeId, tenant: 'acme', all: true }).success).toBe(true);
    }
  });
});
