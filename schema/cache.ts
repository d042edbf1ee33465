import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { oneOf } from './checks.ts';
import type { CacheScope, EdgeOperation, VarsSelector } from './contracts/edge-config.ts';
import type { PurgeReceipt, PurgeRequest } from '@conductor/sdk';
import { tenants } from './tenants.ts';

// drizzle's text enums need literal tuples; `satisfies` keeps them within the contract's unions.
const OPERATION_TYPES = ['query', 'mutation', 'subscription'] as const satisfies readonly EdgeOperation['operationType'][];
const CACHE_SCOPES = ['tenant', 'user'] as const satisfies readonly CacheScope[];
export type OperationType = (typeof OPERATION_TYPES)[number];

const PURGE_STATUSES = ['applied', 'duplicate', 'failed'] as const;

/**
 * The persisted-document safelist. Several documents may share a name (versions of one
 * operation as clients roll forward); the invalidation map refers to the name, so it covers
 * every version at once.
 */
export const safelistedOperations = pgTable(
  'safelisted_operations',
  {
    /** `sha256:<hex>` of `document`, always computed by the server. */
    id: text().primaryKey(),
    name: text().notNull(),
    document: text().notNull(),
    operationType: text({ enum: OPERATION_TYPES }).notNull(),
    ttlSeconds: integer().notNull(),
    /** After the TTL, the edge may serve the entry this long while one background fetch refreshes it. */
    staleWhileRevalidateSeconds: integer().notNull().default(0),
    /** After the TTL, the edge may serve the entry this long when the origin fails (5xx, timeout). */
    staleIfErrorSeconds: integer().notNull().default(0),
    /**
     * Emergency switch, kept equal across every version of a name (the controls API writes them
     * all, and a new version inherits it), so "disable EntityById" also covers the next deploy.
     */
    cachingEnabled: boolean().notNull().default(true),
    scope: text({ enum: CACHE_SCOPES }).notNull(),
    /** Variable names the document declares, derived from the document on every write. */
    variables: jsonb().$type<string[]>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.name),
    check('safelisted_operations_ttl_seconds_check', sql`${t.ttlSeconds} >= 0`),
    check('safelisted_operations_stale_while_revalidate_seconds_check', sql`${t.staleWhileRevalidateSeconds} >= 0`),
    check('safelisted_operations_stale_if_error_seconds_check', sql`${t.staleIfErrorSeconds} >= 0`),
    check('safelisted_operations_scope_check', oneOf(t.scope, CACHE_SCOPES)),
    check('safelisted_operations_operation_type_check', oneOf(t.operationType, OPERATION_TYPES)),
  ],
);

/**
 * Platform-wide edge switches, one row at most (the key can only be `true`). No row means the
 * defaults, so a fresh database needs no seed row; writers upsert it.
 */
export const edgeSettings = pgTable(
  'edge_settings',
  {
    id: boolean().primaryKey().default(true),
    /** Emergency switch: false makes the edge BYPASS the cache for every operation of every tenant. */
    cachingEnabled: boolean().notNull().default(true),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('edge_settings_single_row_check', sql`${t.id}`)],
);

export const cacheInvalidation = pgTable(
  'cache_invalidation',
  {
    /** Root mutation field name (e.g. `updateEntity`); the selector reads its arguments. */
    mutationOp: text().notNull(),
    /** Name of a safelisted operation. */
    affectedOp: text().notNull(),
    /** null: every cached variant of the affected operation. */
    varsSelector: jsonb().$type<VarsSelector>(),
  },
  (t) => [primaryKey({ columns: [t.mutationOp, t.affectedOp] }), index().on(t.affectedOp)],
);

/** One row per admin-triggered purge, including the ones the edge could not apply. */
export const purgeEvents = pgTable(
  'purge_events',
  {
    purgeId: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id),
    request: jsonb().$type<PurgeRequest>().notNull(),
    receipt: jsonb().$type<PurgeReceipt>(),
    status: text({ enum: PURGE_STATUSES }).notNull(),
    error: text(),
    actor: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.tenantId, t.createdAt),
    check('purge_events_status_check', oneOf(t.status, PURGE_STATUSES)),
  ],
);
