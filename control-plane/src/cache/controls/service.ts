import type { CacheControls } from '@conductor/schema/contracts/cache-admin';
import { ErrorCode } from '@conductor/sdk';
import type { Actor } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import { lockCacheConfig } from '../lock.ts';
import { getOperationsByName, listOperations } from '../safelist/queries.ts';
import { getEdgeSettings, putEdgeSettings, setOperationCaching } from './queries.ts';

/**
 * Emergency switches. Both end up in the edge config (`cachingEnabled` globally and per
 * operation), so the edge stops caching on its next config pull (≤ 4 s) without a deploy.
 * Turning caching off does not delete anything: entries stay in the edge cache, unused, and
 * turning it back on serves them again if still within TTL. Purge the tenant too
 * (POST /v1/purge {tenant, all:true}) when the cached data itself is wrong.
 */
export async function getCacheControls(db: Db): Promise<CacheControls> {
  const settings = await getEdgeSettings(db);
  const byName = new Map<string, { cachingEnabled: boolean; versions: string[] }>();
  for (const op of await listOperations(db)) {
    const entry = byName.get(op.name) ?? { cachingEnabled: true, versions: [] };
    // A name counts as switched off if any of its versions is: that is what some traffic sees.
    entry.cachingEnabled &&= op.cachingEnabled;
    entry.versions.push(op.id);
    byName.set(op.name, entry);
  }
  return {
    cachingEnabled: settings.cachingEnabled,
    updatedAt: settings.updatedAt?.toISOString() ?? null,
    operations: [...byName].map(([name, e]) => ({ name, ...e })),
  };
}

/** The global switch; a call that changes nothing writes (and audits) nothing. */
export async function setGlobalCaching(db: Db, actor: Actor, enabled: boolean): Promise<CacheControls> {
  await db.transaction(async (tx) => {
    await lockCacheConfig(tx);
    const before = await getEdgeSettings(tx);
    if (before.cachingEnabled === enabled) return;
    await putEdgeSettings(tx, { cachingEnabled: enabled });
    await recordAudit(tx, {
      actor,
      tenantId: null,
      action: 'cache.caching.set',
      target: 'edge:caching',
      payload: { before: { cachingEnabled: before.cachingEnabled }, after: { cachingEnabled: enabled } },
    });
  });
  return getCacheControls(db);
}

/** The switch of one operation name: every stored version of it, in one transaction. */
export async function setOperationCachingByName(db: Db, actor: Actor, name: string, enabled: boolean): Promise<CacheControls> {
  await db.transaction(async (tx) => {
    // Same lock as safelist writes, so a version published concurrently either exists before
    // this update (and is switched with the rest) or inherits the new value after it.
    await lockCacheConfig(tx);
    const versions = await getOperationsByName(tx, name);
    if (versions.length === 0) throw new ApiError(404, ErrorCode.UNKNOWN_OPERATION, `no safelisted operation is named ${name}`);
    const changed = versions.filter((v) => v.cachingEnabled !== enabled).map((v) => v.id);
    if (changed.length === 0) return;
    await setOperationCaching(tx, name, enabled);
    await recordAudit(tx, {
      actor,
      tenantId: null,
      action: 'cache.operation.caching.set',
      target: `operation:${name}`,
      payload: { before: { cachingEnabled: !enabled }, after: { cachingEnabled: enabled }, versions: changed },
    });
  });
  return getCacheControls(db);
}
