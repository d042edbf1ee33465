import type { EdgeOperation } from '@conductor/schema/contracts/edge-config';
import { ErrorCode } from '@conductor/sdk';
import { memoSha256Hex } from '../cache/sha256-memo.ts';
import type { ConfigIndex } from '../config/config-index.ts';
import { EdgeError } from '../http/errors.ts';
import { parseDocument, selectOperation } from './document.ts';
import type { DocumentRegistry } from './document-registry.ts';
import type { GraphQLParams } from './http-params.ts';

export interface ResolvedOperation {
  /** `sha256:<hex>` of the document text. */
  id: string;
  document: string;
  operationType: 'query' | 'mutation' | 'subscription';
  /** Set when the document is on the safelist (by id, APQ hash, or a full query with that hash). */
  safelisted: EdgeOperation | undefined;
}

export type Resolution = { kind: 'operation'; op: ResolvedOperation } | { kind: 'apq-not-found' };

/** One resolution object per safelisted operation and config version, shared by every request naming it. */
const safelistedByIndex = new WeakMap<ConfigIndex, Map<string, Resolution & { kind: 'operation' }>>();

/**
 * A documentId or APQ hash naming a safelisted document, answered from the config without hashing
 * or I/O: the hot path. Null for anything else, which `resolveOperation` handles.
 */
export function resolveSafelisted(params: GraphQLParams, index: ConfigIndex): Resolution | null {
  if (params.query !== undefined) return null;
  const id = params.documentId ?? (params.apqHash === undefined ? undefined : `sha256:${params.apqHash}`);
  const safelisted = id === undefined ? undefined : index.opsById.get(id);
  if (!safelisted) return null;
  if (params.operationName !== undefined && params.operationName !== safelisted.name) throw operationNameMismatch(params.operationName, safelisted.name);
  let resolutions = safelistedByIndex.get(index);
  if (!resolutions) {
    resolutions = new Map();
    safelistedByIndex.set(index, resolutions);
  }
  let resolution = resolutions.get(safelisted.id);
  if (!resolution) {
    resolution = { kind: 'operation', op: { id: safelisted.id, document: safelisted.document, operationType: safelisted.operationType, safelisted } };
    resolutions.set(safelisted.id, resolution);
  }
  return resolution;
}

/**
 * Turns query / documentId / APQ hash into one document. A full query is hashed, so sending the
 * text of a safelisted document is the same as sending its id.
 */
export async function resolveOperation(
  params: GraphQLParams,
  index: ConfigIndex,
  tenant: { id: string; strictSafelist: boolean },
  registry: DocumentRegistry,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<Resolution> {
  const claimedHex = params.documentId?.slice('sha256:'.length) ?? params.apqHash;
  let document = params.query;
  let hex: string;
  if (document !== undefined) {
    hex = await memoSha256Hex(document);
    if (claimedHex !== undefined && claimedHex !== hex) {
      throw new EdgeError(400, ErrorCode.PERSISTED_QUERY_HASH_MISMATCH, 'sha256 of the query does not match the given hash');
    }
  } else {
    hex = claimedHex!;
    const safelisted = index.opsById.get(`sha256:${hex}`);
    document = safelisted?.document ?? (tenant.strictSafelist ? undefined : await registry.get(tenant.id, hex));
    if (document === undefined) {
      if (params.documentId !== undefined) {
        throw new EdgeError(400, ErrorCode.PERSISTED_QUERY_NOT_FOUND, `unknown persisted document ${params.documentId}`);
      }
      return { kind: 'apq-not-found' };
    }
  }
  const id = `sha256:${hex}`;
  const safelisted = index.opsById.get(id);
  if (safelisted) {
    if (params.operationName !== undefined && params.operationName !== safelisted.name) throw operationNameMismatch(params.operationName, safelisted.name);
    return { kind: 'operation', op: { id, document: safelisted.document, operationType: safelisted.operationType, safelisted } };
  }
  const operationType = selectOperation(parseDocument(document), params.operationName).operation;
  // Registered only once known to parse, and never for strict tenants, who cannot run it anyway.
  if (params.apqHash !== undefined && params.query !== undefined && !tenant.strictSafelist) {
    registry.put(tenant.id, hex, document, waitUntil);
  }
  return { kind: 'operation', op: { id, document, operationType, safelisted: undefined } };
}

function operationNameMismatch(given: string, persisted: string): EdgeError {
  return new EdgeError(400, ErrorCode.BAD_REQUEST, `operationName ${given} does not match persisted operation ${persisted}`);
}
