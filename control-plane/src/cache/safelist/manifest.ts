import type { OperationManifest, PublishResult } from '@conductor/schema/contracts/cache-admin';
import type { CacheScope } from '@conductor/schema/contracts/edge-config';
import { canonicalJson, documentId, ErrorCode } from '@conductor/sdk';
import type { Actor } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import { analyseDocument, type AnalysedOperation } from '../documents.ts';
import { listInvalidations } from '../invalidation-map/queries.ts';
import { lockCacheConfig } from '../lock.ts';
import { checkInvalidation } from '../selectors.ts';
import { insertOperations, listOperations, updateOperation, type NewSafelistRow, type OperationPatch, type SafelistRow } from './queries.ts';
import { inheritCaching, normaliseId } from './service.ts';

interface Planned extends AnalysedOperation {
  id: string;
  document: string;
  ttlSeconds?: number;
  staleWhileRevalidateSeconds?: number;
  staleIfErrorSeconds?: number;
  scope?: CacheScope;
}

/**
 * All-or-nothing: every id and body is checked before anything is written, in one transaction.
 * The safelist is read once and kept current in memory while the manifest is applied, and new
 * operations are inserted in batches: a manifest of thousands of operations costs a few queries,
 * not several per operation.
 */
export async function publishManifest(db: Db, actor: Actor, manifest: OperationManifest): Promise<PublishResult> {
  const planned = await plan(manifest);
  return db.transaction(async (tx) => {
    await lockCacheConfig(tx);
    const safelist = new SafelistIndex(await listOperations(tx));
    const created: string[] = [];
    const updated: string[] = [];
    const inserts: NewSafelistRow[] = [];
    const updates: [string, OperationPatch][] = [];
    for (const op of planned) {
      const current = safelist.get(op.id);
      if (!current) {
        const row = {
          id: op.id,
          name: op.name,
          document: op.document,
          operationType: op.operationType,
          variables: op.variables,
          ttlSeconds: op.ttlSeconds ?? 0,
          staleWhileRevalidateSeconds: op.staleWhileRevalidateSeconds ?? 0,
          staleIfErrorSeconds: op.staleIfErrorSeconds ?? 0,
          cachingEnabled: safelist.inheritedCachingEnabled(op.name, true),
          scope: op.scope ?? 'tenant',
        };
        inserts.push(row);
        safelist.put(row);
        created.push(op.id);
        continue;
      }
      const next = {
        name: op.name,
        cachingEnabled: op.name === current.name ? current.cachingEnabled : safelist.inheritedCachingEnabled(op.name, current.cachingEnabled),
        operationType: op.operationType,
        variables: op.variables,
        ttlSeconds: op.ttlSeconds ?? current.ttlSeconds,
        staleWhileRevalidateSeconds: op.staleWhileRevalidateSeconds ?? current.staleWhileRevalidateSeconds,
        staleIfErrorSeconds: op.staleIfErrorSeconds ?? current.staleIfErrorSeconds,
        scope: op.scope ?? current.scope,
      };
      const before = {
        name: current.name,
        cachingEnabled: current.cachingEnabled,
        operationType: current.operationType,
        variables: current.variables,
        ttlSeconds: current.ttlSeconds,
        staleWhileRevalidateSeconds: current.staleWhileRevalidateSeconds,
        staleIfErrorSeconds: current.staleIfErrorSeconds,
        scope: current.scope,
      };
      if (canonicalJson(next) === canonicalJson(before)) continue;
      updates.push([op.id, next]);
      safelist.put({ ...current, ...next });
      updated.push(op.id);
    }
    await insertOperations(tx, inserts);
    for (const [id, patch] of updates) await updateOperation(tx, id, patch);
    const result = { created: created.length, updated: updated.length, unchanged: planned.length - created.length - updated.length };
    if (created.length + updated.length === 0) return result;

    // Checked against the final state, so a manifest may rename and re-add versions in any order.
    const operations = await listOperations(tx);
    for (const entry of await listInvalidations(tx)) {
      if (!operations.some((o) => o.name === entry.affectedOp)) {
        throw new ApiError(409, ErrorCode.CONFLICT, `the manifest renames the last version of ${entry.affectedOp}, which the invalidation map still uses (${entry.mutationOp} → ${entry.affectedOp})`);
      }
      checkInvalidation(entry, operations);
    }
    await recordAudit(tx, { actor, tenantId: null, action: 'safelist.publish', target: 'safelist', payload: { created, updated, unchanged: result.unchanged } });
    return result;
  });
}

async function plan(manifest: OperationManifest): Promise<Planned[]> {
  const names = new Set(manifest.operations.map((o) => o.name));
  const strayOverride = Object.keys(manifest.overrides ?? {}).find((name) => !names.has(name));
  if (strayOverride !== undefined) {
    throw new ApiError(400, ErrorCode.VALIDATION_FAILED, `overrides.${strayOverride}: no operation of that name in the manifest`);
  }
  const seen = new Set<string>();
  const planned: Planned[] = [];
  for (const [i, op] of manifest.operations.entries()) {
    const where = `operations[${i}] (${op.name})`;
    const id = normaliseId(op.id);
    const computed = await documentId(op.body);
    if (id !== computed) {
      throw new ApiError(400, ErrorCode.PERSISTED_QUERY_HASH_MISMATCH, `${where}: id ${op.id} is not the sha256 of its body (${computed})`);
    }
    if (seen.has(id)) throw new ApiError(400, ErrorCode.VALIDATION_FAILED, `${where}: ${id} appears twice`);
    seen.add(id);
    let analysed: AnalysedOperation;
    try {
      analysed = analyseDocument(op.body, op.name);
    } catch (err) {
      if (err instanceof ApiError) throw new ApiError(err.status, err.code, `${where}: ${err.message}`);
      throw err;
    }
    if (analysed.operationType !== op.type) {
      throw new ApiError(400, ErrorCode.VALIDATION_FAILED, `${where}: declared type ${op.type}, but the body is a ${analysed.operationType}`);
    }
    const override = manifest.overrides?.[op.name];
    planned.push({
      ...analysed,
      id,
      document: op.body,
      ttlSeconds: override?.ttlSeconds ?? manifest.ttlSeconds,
      staleWhileRevalidateSeconds: override?.staleWhileRevalidateSeconds ?? manifest.staleWhileRevalidateSeconds,
      staleIfErrorSeconds: override?.staleIfErrorSeconds ?? manifest.staleIfErrorSeconds,
      scope: override?.scope ?? manifest.scope,
    });
  }
  return planned;
}

type IndexedRow = Omit<SafelistRow, 'createdAt' | 'updatedAt'>;

/** The safelist by id and by name, as the transaction changes it. */
class SafelistIndex {
  private readonly byId = new Map<string, IndexedRow>();
  private readonly byName = new Map<string, Map<string, IndexedRow>>();

  constructor(rows: IndexedRow[]) {
    for (const row of rows) this.put(row);
  }

  get(id: string): IndexedRow | undefined {
    return this.byId.get(id);
  }

  put(row: IndexedRow): void {
    const previous = this.byId.get(row.id);
    if (previous) this.byName.get(previous.name)?.delete(row.id);
    this.byId.set(row.id, row);
    let versions = this.byName.get(row.name);
    if (!versions) this.byName.set(row.name, (versions = new Map()));
    versions.set(row.id, row);
  }

  /** The caching switch a new version of `name` inherits, over this state. */
  inheritedCachingEnabled(name: string, fallback: boolean): boolean {
    return inheritCaching([...(this.byName.get(name)?.values() ?? [])], fallback);
  }
}
