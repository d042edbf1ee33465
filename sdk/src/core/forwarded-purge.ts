import { sha256Hex } from './hash.ts';
import { signWebhook, verifyWebhook } from './webhook-signature.ts';

/**
 * A mutation that reaches the origin through the edge is invalidated by the edge itself once the
 * origin has answered, and by the origin's own purge of the write. So that the same write is not
 * invalidated twice, the edge tells the origin, in these headers, the purge id it will use: the
 * origin's purge of each root field carries `fieldPurgeId(id, responseKey)`, the id under which
 * the edge bumps that field's tags, and the tenant's purge ledger applies whichever arrives first
 * and answers the other `duplicate`. Both stay: the origin's purge is durable (its outbox retries
 * it), the edge's needs no round trip back to the origin.
 */
export const FORWARDED_PURGE_ID_HEADER = 'x-conductor-purge-id';
/**
 * `t=<unix>,v1=<hex>` over the id with the purge signing secret (the webhook's scheme and replay
 * window). An origin honours only ids the edge chose: a client that named an id already in the
 * ledger could otherwise have its own write's purge answered `duplicate` and applied never.
 */
export const FORWARDED_PURGE_SIGNATURE_HEADER = 'x-conductor-purge-id-signature';

const PREFIX = 'edge-mutation:';
const ID = /^edge-mutation:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** What is signed: the id under a label of its own, so no other signed message reads as one. */
const signed = (id: string) => `${FORWARDED_PURGE_ID_HEADER}:${id}`;
/** Purge ids are at most 128 characters (the purge contract). */
const MAX_PURGE_ID = 128;

/** A fresh id for one forwarded mutation. */
export function newForwardedPurgeId(): string {
  return `${PREFIX}${crypto.randomUUID()}`;
}

export function signForwardedPurgeId(secret: string, id: string, nowSeconds?: number): Promise<string> {
  return signWebhook(secret, signed(id), nowSeconds);
}

/** The id of the headers when it is well formed and signed with `secret` within the window; null otherwise. */
export async function verifiedForwardedPurgeId(
  secret: string,
  id: string | null | undefined,
  signature: string | null | undefined,
  nowSeconds?: number,
): Promise<string | null> {
  if (!id || !ID.test(id)) return null;
  return (await verifyWebhook(secret, signed(id), signature, nowSeconds)).ok ? id : null;
}

/**
 * The purge id of one root field of a forwarded mutation, named by its response key (alias or
 * field name, unique among the root fields); a key too long for the purge id limit is hashed
 * (`#` cannot start a GraphQL name, so the two forms never meet).
 */
export async function fieldPurgeId(forwardedId: string, responseKey: string): Promise<string> {
  const id = `${forwardedId}:${responseKey}`;
  return id.length <= MAX_PURGE_ID ? id : `${forwardedId}:#${(await sha256Hex(responseKey)).slice(0, 40)}`;
}
