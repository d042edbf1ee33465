import { sql } from 'drizzle-orm';
import { boolean, bigint, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { oneOf } from './checks.ts';
import { EXPORT_KINDS, EXPORT_STATUSES, MAX_CHUNK_SIZE } from './contracts/exports.ts';
import { tenants } from './tenants.ts';

/*
 * RAG-safe exports: one row per export request and one per stored chunk. Postgres holds metadata
 * only; the chunk bytes live in the blob store (control-plane/src/exports/blobs) under keys derived
 * from (export_id, ix). An export is `building` while its chunks are written, then publication
 * sets its manifest, Merkle root and size and moves it to `pending_review` in one transaction:
 * until then it does not exist to readers.
 */

// Not `exports`: drizzle-kit loads this file as CommonJS, where that name is taken.
export const dataExports = pgTable(
  'exports',
  {
    exportId: uuid().primaryKey().defaultRandom(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id),
    kind: text({ enum: EXPORT_KINDS }).notNull(),
    status: text({ enum: EXPORT_STATUSES }).notNull().default('building'),
    /** The requester's token subject; never its reviewer. */
    requestedBy: text().notNull(),
    license: text().notNull(),
    purpose: text().array().notNull(),
    /** Redact PII findings by type (true) or drop the sentence (false). */
    redact: boolean().notNull().default(false),
    maxDocuments: integer(),
    /** Bytes per chunk; every chunk but the last is exactly this long. */
    chunkSize: integer().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The signed manifest; null until publication, and with it the root and the size. */
    manifest: jsonb(),
    merkleRoot: text(),
    totalSize: bigint({ mode: 'number' }),
    /** Findings by type and action; written with the manifest. */
    piiReport: jsonb(),
    reviewedBy: text(),
    reviewReason: text(),
    reviewedAt: timestamp({ withTimezone: true }),
    /** Why a build failed for good (a source that changed under a resume, a malformed line). */
    failure: text(),
  },
  (t) => [
    index().on(t.status, t.createdAt),
    index().on(t.tenantId, t.createdAt),
    check('exports_kind_check', oneOf(t.kind, EXPORT_KINDS)),
    check('exports_status_check', oneOf(t.status, EXPORT_STATUSES)),
    check('exports_proofs_check', sql`length(${t.license}) > 0 and cardinality(${t.purpose}) >= 1 and array_position(${t.purpose}, '') is null`),
    check('exports_max_documents_check', sql`${t.maxDocuments} is null or ${t.maxDocuments} >= 1`),
    check('exports_chunk_size_check', sql`${t.chunkSize} between 1 and ${sql.raw(String(MAX_CHUNK_SIZE))}`),
    // Published (manifest, root and size together) exactly when the build got past `building` and did not fail.
    check(
      'exports_published_check',
      sql`(${t.manifest} is not null and ${t.merkleRoot} is not null and ${t.totalSize} >= 0) = (${t.status} not in ('building', 'failed'))
        and (${t.manifest} is null) = (${t.merkleRoot} is null) and (${t.manifest} is null) = (${t.totalSize} is null)`,
    ),
    // A decision has a reviewer, a reason and a time, and the reviewer is never the requester.
    check(
      'exports_review_check',
      sql`(${t.reviewedBy} is not null and ${t.reviewReason} is not null and ${t.reviewedAt} is not null) = (${t.status} in ('approved', 'rejected'))
        and (${t.reviewedBy} is null) = (${t.reviewReason} is null) and (${t.reviewedBy} is null) = (${t.reviewedAt} is null)`,
    ),
    check('exports_self_review_check', sql`${t.reviewedBy} is null or ${t.reviewedBy} <> ${t.requestedBy}`),
    check('exports_failure_check', sql`(${t.failure} is not null) = (${t.status} = 'failed')`),
  ],
);

/**
 * One row per chunk stored in the blob store, written only after the chunk's bytes are whole under
 * their key, so every row names bytes that exist. `cursor` and `cursorOffset` are where the chunk
 * after this one starts: the source cursor to re-read from (null: the start) and how many bytes of
 * the first line read there belong to this chunk or earlier ones (a line may span chunks).
 */
export const exportChunks = pgTable(
  'export_chunks',
  {
    exportId: uuid()
      .notNull()
      .references(() => dataExports.exportId, { onDelete: 'cascade' }),
    ix: integer().notNull(),
    /** Lowercase hex SHA-256 of the chunk's bytes. */
    sha256: text().notNull(),
    size: integer().notNull(),
    cursor: jsonb(),
    cursorOffset: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.exportId, t.ix] }),
    check('export_chunks_ix_check', sql`${t.ix} >= 0`),
    check('export_chunks_sha256_check', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    check('export_chunks_size_check', sql`${t.size} between 1 and ${sql.raw(String(MAX_CHUNK_SIZE))}`),
    check('export_chunks_cursor_offset_check', sql`${t.cursorOffset} >= 0`),
  ],
);

/**
 * The backout "hide RAG export" (docs/adr/0017): one row, written by PUT /v1/exports/switch. While
 * `exports_enabled` is false, creation and every route a pull reads (manifest, chunks, download,
 * proofs) answer 503 EXPORTS_DISABLED; stored exports are kept. No row means switched on.
 */
export const exportSettings = pgTable(
  'export_settings',
  {
    id: boolean().primaryKey().default(true),
    exportsEnabled: boolean().notNull().default(true),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The actor who last flipped it. */
    updatedBy: text().notNull(),
  },
  (t) => [check('export_settings_single_row_check', sql`${t.id}`)],
);

/**
 * What the export download routes count (control-plane/src/exports/serving/counters.ts): bytes of
 * 200/206 answers; ranged requests answered with their range (`resumed`) or not (`resume_*`: the
 * range ignored and the whole sent, unsatisfiable, or refused as corrupt); and requests refused
 * because a stored chunk failed its manifest check.
 */
export const EXPORT_SERVING_COUNTERS = ['served_bytes', 'resumed', 'resume_restarted', 'resume_unsatisfiable', 'resume_corrupt', 'corrupt_refusals'] as const;
export type ExportServingCounter = (typeof EXPORT_SERVING_COUNTERS)[number];

/**
 * Those counters per tenant and minute, added to by each request. In Postgres rather than in memory
 * because a Worker isolate lives for one request: /metrics sums the rows into Prometheus counters,
 * and the alert rules read recent minutes. Rows are never deleted, so the sums only grow.
 */
export const exportServingMinutes = pgTable(
  'export_serving_minutes',
  {
    minute: timestamp({ withTimezone: true }).notNull(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id),
    counter: text({ enum: EXPORT_SERVING_COUNTERS }).notNull(),
    value: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.minute, t.tenantId, t.counter] }),
    check('export_serving_minutes_counter_check', oneOf(t.counter, EXPORT_SERVING_COUNTERS)),
    check('export_serving_minutes_value_check', sql`${t.value} >= 0`),
    check('export_serving_minutes_minute_check', sql`${t.minute} = date_trunc('minute', ${t.minute})`),
  ],
);
