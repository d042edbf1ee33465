import { canonicalJson, sha256Hex } from '@conductor/sdk';

/** prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit row that the hash covers (everything but seq and the hashes). */
export interface AuditHashedFields {
  at: string;
  actor: string;
  tenantId: string | null;
  action: string;
  target: string;
  payload: unknown;
}

/** row_hash = sha256(prev_hash ‖ canonical_json(fields)) (docs/adr/0005). */
export function auditRowHash(prevHash: string, fields: AuditHashedFields): Promise<string> {
  return sha256Hex(prevHash + canonicalJson(fields));
}
