import { ErrorCode, type PurgeDryRun, type PurgeDryRunRequest } from '@conductor/sdk';
import { ALL_TAG } from '../cache/tags.ts';
import type { ConfigIndex } from '../config/config-index.ts';
import type { EdgeContext } from '../context.ts';
import { EdgeError } from '../http/errors.ts';
import { purgeTags } from './purge-tags.ts';

/**
 * A purge's dry run: the tags it would bump (resolved exactly as the purge resolves them, so an
 * unknown tenant or an operation or mutation the config does not know is refused the same way),
 * the operations they reach and the live entries they would make unreachable. Reads only: no
 * generation is bumped, the purge-id ledger is not touched and no purge metric is recorded.
 */
export async function dryRunPurge(req: PurgeDryRunRequest, cx: EdgeContext): Promise<PurgeDryRun> {
  const index = await cx.config.get(cx.waitUntil);
  if (!index.tenants.has(req.tenant)) throw new EdgeError(404, ErrorCode.UNKNOWN_TENANT, `unknown tenant ${req.tenant}`);
  const tags = purgeTags(req, index);
  let live;
  try {
    live = await cx.liveEntries.count(req.tenant, tags);
  } catch (err) {
    // Fail closed, as the purge does: no number is better than a made-up one.
    console.error('edge: live-entry count failed', String(err));
    throw new EdgeError(503, ErrorCode.EDGE_UNAVAILABLE, 'generation store unavailable; nothing previewed');
  }
  return {
    dryRun: true,
    tenant: req.tenant,
    tags,
    generations: live.generations,
    operations: affectedOperations(tags, index, live.byOperation),
    liveEntries: live.total,
    liveEntriesComplete: live.complete,
    evaluatedAt: new Date().toISOString(),
  };
}

/**
 * The operation a tag belongs to: `op:{id}`, `op:{id}#{varsHash}`, `op:{id}|{selector}` (cache/tags.ts).
 * Operation ids are `sha256:<hex>`, so the first `#` or `|` ends the id.
 */
export function tagOperation(tag: string): string | null {
  if (!tag.startsWith('op:')) return null;
  const rest = tag.slice(3);
  const end = rest.search(/[#|]/);
  return end === -1 ? rest : rest.slice(0, end);
}

/**
 * Every safelisted query the tags reach (all of them for the tenant tag), plus any operation
 * that still has live entries under them though it has left the safelist; sorted by name, then id.
 */
export function affectedOperations(
  tags: readonly string[],
  index: ConfigIndex,
  liveByOperation: Readonly<Record<string, number>>,
): PurgeDryRun['operations'] {
  const ids = new Set<string>();
  if (tags.includes(ALL_TAG)) {
    for (const op of index.opsById.values()) if (op.operationType === 'query') ids.add(op.id);
  }
  for (const tag of tags) {
    const id = tagOperation(tag);
    if (id) ids.add(id);
  }
  for (const id of Object.keys(liveByOperation)) ids.add(id);
  return [...ids]
    .map((id) => ({ id, name: index.opsById.get(id)?.name ?? null, liveEntries: liveByOperation[id] ?? 0 }))
    .sort((a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') || a.id.localeCompare(b.id));
}
