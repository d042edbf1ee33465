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
import { getOperation, insertOperation, listOperations, updateOperation } from './queries.ts';
import { inheritedCachingEnabled, normaliseId } from './service.ts';

interface Planned extends AnalysedOperation {
  id: string;
  document: string;
  ttlSeconds?: number;
  staleWhileRevalidateSeconds?: number;
  staleIfErrorSeconds?: number;
  scope?: CacheScope;
}

/** All-or-nothing: every id and body is checked before anything is written, in one transaction. */
export async function publishManifest(db: Db, actor: Actor, manifest: OperationManifest): Promise<PublishResult> {
  const planned = await plan(manifest);
  return db.transaction(async (tx) => {
    await lockCacheConfig(tx);
    const created: string[] = [];
    const updated: string[] = [];
    for (const op of planned) {
      const current = await getOperation(tx, op.id);
      if (!current) {
        await insertOperation(tx, {
          id: op.id,
          name: op.name,
          document: op.document,
          operationType: op.operationType,
          variables: op.variables,
          ttlSeconds: op.ttlSeconds ?? 0,
          staleWhileRevalidateSeconds: op.staleWhileRevalidateSeconds ?? 0,
          staleIfErrorSeconds: op.staleIfErrorSeconds ?? 0,
          cachingEnabled: await inheritedCachingEnabled(tx, op.name, true),
          scope: op.scope ?? 'tenant',
        });
        created.push(op.id);
        continue;
      }
      const next = {
        name: op.name,
        cachingEnabled: op.name === current.name ? current.cachingEnabled : await inheritedCachingEnabled(tx, op.name, current.cachingEnabled),
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
      await updateOperation(tx, op.id, next);
      updated.push(op.id);
    }
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
