// Public surface of the Conductor SDK: what an origin needs to key, sign and purge.
export { canonicalJson } from './core/canonical-json.ts';
export { documentId, sha256Hex, variablesHash } from './core/hash.ts';
export { REPLAY_WINDOW_SECONDS, SIGNATURE_HEADER, signWebhook, verifyWebhook, type SignatureCheck } from './core/webhook-signature.ts';
export { createPurgeClient, PurgeError, PURGE_PATH, type PurgeClient, type PurgeClientOptions } from './purge/client.ts';
// The durable purge outbox (openPurgeOutbox) is Node-only (node:sqlite): import it from
// './purge/outbox.ts' directly, so this entry keeps running in Workers and browsers too.
export type { PurgeReceipt, PurgeRequest } from '../../schema/contracts/purge.ts';
