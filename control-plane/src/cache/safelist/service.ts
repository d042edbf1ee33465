import { canonicalJson, documentId, ErrorCode } from '@conductor/sdk';
import type { CreateOperation, SafelistEntry, UpdateOperation } from '@conductor/schema/contracts/cache-admin';
import type { Actor } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import { analyseDocument } from '../documents.ts';
import { getInvalidationsAffecting } from '../invalidation-map/queries.ts';
import { lockCacheConfig } from '../lock.ts';
import { checkVersionAgainstMap } from '../selectors.ts';
import {
  deleteOperation,
  getOperation,
  getOperationsByName,
  insertOperation,
  updateOperation,
  type SafelistRow,
} from './queries.ts';

export function toEntry(row: SafelistRow): SafelistEntry {
  return {
    id: row.id,
    name: row.name,
    document: row.document,
    operationType: row.operationType,
    ttlSeconds: row.ttlSeconds,
    staleWhileRevalidateSeconds: row.staleWhileRevalidateSeconds,
    staleIfErrorSeconds: row.staleIfErrorSeconds,
    cachingEnabled: row.cachingEnabled,
    scope: row.scope,
    variables: row.variables,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function createOperation(db: Db, actor: Actor, input: CreateOperation): Promise<SafelistEntry> {
  const analysed = analyseDocument(input.document, input.name);
  const id = await documentId(input.document);
  if (input.id !== undefined && normaliseId(input.id) !== id) {
    throw new ApiError(400, ErrorCode.PERSISTED_QUERY_HASH_MISMATCH, `id ${input.id} is not the sha256 of the document (${id})`);
  }
  return db.transaction(async (tx) => {
    await lockCacheConfig(tx);
    if (await getOperation(tx, id)) throw new ApiError(409, ErrorCode.CONFLICT, `operation ${id} is already safelisted`);
    const version = { id, ...analysed };
    checkVersionAgainstMap(version, await getInvalidationsAffecting(tx, analysed.name));
    const row = await insertOperation(tx, {
      ...version,
      document: input.document,
      ttlSeconds: input.ttlSeconds,
      staleWhileRevalidateSeconds: input.staleWhileRevalidateSeconds,
      staleIfErrorSeconds: input.staleIfErrorSeconds,
      cachingEnabled: await inheritedCachingEnabled(tx, analysed.name, true),
      scope: input.scope,
    });
    await recordAudit(tx, {
      actor,
      tenantId: null,
      action: 'safelist.create',
      target: `safelist:${id}`,
      payload: {
        name: row.name,
        operationType: row.operationType,
        ttlSeconds: row.ttlSeconds,
        staleWhileRevalidateSeconds: row.staleWhileRevalidateSeconds,
        staleIfErrorSeconds: row.staleIfErrorSeconds,
        cachingEnabled: row.cachingEnabled,
        scope: row.scope,
      },
    });
    return toEntry(row);
  });
}

export async function patchOperation(db: Db, actor: Actor, id: string, patch: UpdateOperation): Promise<SafelistEntry> {
  return db.transaction(async (tx) => {
    await lockCacheConfig(tx);
    const current = await getOperation(tx, id);
    if (!current) throw new ApiError(404, ErrorCode.NOT_FOUND, `operation ${id} is not safelisted`);
    // Only an anonymous operation can be renamed: analyseDocument refuses a name the document contradicts.
    const analysed = patch.name !== undefined ? analyseDocument(current.document, patch.name) : undefined;
    if (analysed && analysed.name !== current.name) {
      await assertNotLastReferencedVersion(tx, current, 'rename');
      checkVersionAgainstMap({ id, ...analysed }, await getInvalidationsAffecting(tx, analysed.name));
    }
    const renamed = analysed && analysed.name !== current.name ? analysed.name : undefined;
    const next = {
      ...(analysed ?? {}),
      ...(renamed !== undefined ? { cachingEnabled: await inheritedCachingEnabled(tx, renamed, current.cachingEnabled) } : {}),
      ...(patch.ttlSeconds !== undefined ? { ttlSeconds: patch.ttlSeconds } : {}),
      ...(patch.staleWhileRevalidateSeconds !== undefined ? { staleWhileRevalidateSeconds: patch.staleWhileRevalidateSeconds } : {}),
      ...(patch.staleIfErrorSeconds !== undefined ? { staleIfErrorSeconds: patch.staleIfErrorSeconds } : {}),
      ...(patch.scope !== undefined ? { scope: patch.scope } : {}),
    };
    const changed = Object.entries(next).filter(([k, v]) => canonicalJson(current[k as keyof SafelistRow]) !== canonicalJson(v));
    if (changed.length === 0) return toEntry(current);
    const row = await updateOperation(tx, id, next);
    await recordAudit(tx, {
      actor,
      tenantId: null,
      action: 'safelist.update',
      target: `safelist:${id}`,
      payload: {
        before: Object.fromEntries(changed.map(([k]) => [k, current[k as keyof SafelistRow]])),
        after: Object.fromEntries(changed),
      },
    });
    return toEntry(row);
  });
}

export async function removeOperation(db: Db, actor: Actor, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    await lockCacheConfig(tx);
    const current = await getOperation(tx, id);
    if (!current) throw new ApiError(404, ErrorCode.NOT_FOUND, `operation ${id} is not safelisted`);
    await assertNotLastReferencedVersion(tx, current, 'delete');
    await deleteOperation(tx, id);
    await recordAudit(tx, {
      actor,
      tenantId: null,
      action: 'safelist.delete',
      target: `safelist:${id}`,
      payload: { name: current.name, document: current.document },
    });
  });
}

/**
 * The caching switch belongs to the name (the controls API flips every version at once), so a
 * version added to (or renamed into) a name that is switched off is switched off: an emergency
 * "stop caching EntityById" must survive the next client release. `fallback` when the name has
 * no other version yet.
 */
/** The switch a new version of a name inherits from the stored ones: off if any of them is off. */
export function inheritCaching(versions: Pick<SafelistRow, 'cachingEnabled'>[], fallback: boolean): boolean {
  return versions.length === 0 ? fallback : versions.every((v) => v.cachingEnabled);
}

async function inheritedCachingEnabled(tx: Db, name: string, fallback: boolean): Promise<boolean> {
  return inheritCaching(await getOperationsByName(tx, name), fallback);
}

// The invalidation map refers to names; removing the last version of a referenced name would
// leave entries pointing at nothing, so the admin has to remove those entries first.
async function assertNotLastReferencedVersion(tx: Db, row: SafelistRow, verb: string): Promise<void> {
  const versions = await getOperationsByName(tx, row.name);
  if (versions.some((v) => v.id !== row.id)) return;
  const entries = await getInvalidationsAffecting(tx, row.name);
  if (entries.length > 0) {
    const list = entries.map((e) => `${e.mutationOp} → ${e.affectedOp}`).join(', ');
    throw new ApiError(409, ErrorCode.CONFLICT, `cannot ${verb} the last version of ${row.name}: the invalidation map still uses it (${list})`);
  }
}

/** Accepts `sha256:<hex>` (persisted documents) and bare hex (Apollo manifests and APQ). */
export function normaliseId(id: string): string {
  return id.startsWith('sha256:') ? id : `sha256:${id}`;
}
