import { ErrorCode, type PurgeDryRunRequest, type PurgeRequest } from '@conductor/sdk';
import { ALL_TAG, mutationTags, opTag, varsTag } from '../cache/tags.ts';
import type { ConfigIndex } from '../config/config-index.ts';
import { EdgeError } from '../http/errors.ts';

/** The tags one purge request (or its dry run) bumps; 404 UNKNOWN_OPERATION when it names nothing the config knows. */
export function purgeTags(req: PurgeRequest | PurgeDryRunRequest, index: ConfigIndex): string[] {
  if ('all' in req) return [ALL_TAG];
  if ('mutation' in req) {
    const rows = index.invalidationsByMutation.get(req.mutation.op);
    if (!rows?.length) {
      throw unknownOperation(
        `mutation ${req.mutation.op} is not covered by the invalidation map: no cached operation is linked to it, so it invalidates nothing (add rows with PUT /v1/invalidation-map/${req.mutation.op}/{affectedOp})`,
      );
    }
    return mutationTags(rows, (name) => index.queryIdsByName.get(name) ?? [], req.mutation.variables);
  }
  // Apollo manifests carry bare hex ids; the config and the tags use `sha256:<hex>`.
  const id = /^[0-9a-f]{64}$/.test(req.opId) ? `sha256:${req.opId}` : req.opId;
  if (index.opsById.get(id)?.operationType !== 'query') throw unknownOperation(`${req.opId} is not a safelisted query`);
  return 'varsHash' in req ? [varsTag(id, req.varsHash)] : [opTag(id)];
}

function unknownOperation(message: string): EdgeError {
  return new EdgeError(404, ErrorCode.UNKNOWN_OPERATION, message);
}
