// Public surface of the Conductor SDK: the wire contracts (error body, purge request, receipt and dry run),
// what an origin needs to key, sign and purge. Runs in Node, browsers and Workers alike; the durable
// purge outbox is Node-only (node:sqlite) and lives behind its own entry, `@conductor/sdk/outbox`.
export { canonicalJson } from './core/canonical-json.ts';
export { documentId, sha256Hex, variablesHash } from './core/hash.ts';
export { PURGE_SECRET_MIN_LENGTH, REPLAY_WINDOW_SECONDS, SIGNATURE_HEADER, signWebhook, verifyWebhook, type SignatureCheck } from './core/webhook-signature.ts';
export { PurgeSecretSchema } from './core/purge-secret.ts';
export {
  fieldPurgeId,
  FORWARDED_PURGE_ID_HEADER,
  FORWARDED_PURGE_SIGNATURE_HEADER,
  newForwardedPurgeId,
  signForwardedPurgeId,
  verifiedForwardedPurgeId,
} from './core/forwarded-purge.ts';
export { ErrorCode, type ErrorBody } from './contracts/errors.ts';
export { isDryRun, parsePurgeCommandWith, type PurgeForms } from './contracts/purge-command.ts';
export {
  parsePurgeCommand,
  PurgeCommandSchema,
  PurgeDryRunRequestSchema,
  PurgeDryRunSchema,
  PurgeReceiptSchema,
  PurgeRequestSchema,
  type PurgeCommand,
  type PurgeDryRun,
  type PurgeDryRunRequest,
  type PurgeReceipt,
  type PurgeRequest,
} from './contracts/purge.ts';
export { createPurgeClient, PurgeError, PURGE_PATH, type PurgeClient, type PurgeClientOptions } from './purge/client.ts';
export {
  OUTBOX_BACKLOG_PATH,
  OutboxBacklogAcceptedSchema,
  OutboxBacklogReportSchema,
  OutboxTenantBacklogSchema,
  type OutboxBacklogAccepted,
  type OutboxBacklogReport,
  type OutboxTenantBacklog,
} from './contracts/backlog.ts';
