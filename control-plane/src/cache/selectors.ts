import type { EdgeInvalidation } from '@conductor/schema/contracts/edge-config';
import { ErrorCode } from '@conductor/sdk';
import type { OperationType } from '@conductor/schema/cache';
import { ApiError } from '../http/errors.ts';

export interface OperationVersion {
  id: string;
  name: string;
  operationType: OperationType;
  variables: string[];
}

/**
 * An invalidation entry applies to every stored version of its affected operation, so each
 * selector key must be a variable that all of those versions declare: the edge tags a cached
 * response by the values of those variables, and a version lacking one would never be purged.
 */
export function checkInvalidation(entry: EdgeInvalidation, versionsOfAffected: OperationVersion[]): void {
  const versions = versionsOfAffected.filter((v) => v.name === entry.affectedOp);
  if (versions.length === 0) {
    throw new ApiError(404, ErrorCode.UNKNOWN_OPERATION, `no safelisted operation named "${entry.affectedOp}"`);
  }
  for (const version of versions) checkSelectorOn(entry, version);
}

/**
 * The converse check for safelist writes: a new version (or a renamed one) must keep every
 * invalidation entry that already names it satisfiable.
 */
export function checkVersionAgainstMap(version: OperationVersion, entries: EdgeInvalidation[]): void {
  for (const entry of entries) {
    if (entry.affectedOp === version.name) checkSelectorOn(entry, version);
  }
}

function checkSelectorOn(entry: EdgeInvalidation, version: OperationVersion): void {
  if (version.operationType !== 'query') {
    throw new ApiError(
      400,
      ErrorCode.VALIDATION_FAILED,
      `"${version.name}" is a ${version.operationType}: only queries are cached, so only queries can be invalidated`,
    );
  }
  for (const variable of Object.keys(entry.varsSelector ?? {})) {
    if (!version.variables.includes(variable)) {
      throw new ApiError(
        400,
        ErrorCode.UNDECLARED_VARIABLE,
        `selector of ${entry.mutationOp} → ${entry.affectedOp} names variable "${variable}", which ${version.name} (${version.id}) does not declare`,
      );
    }
  }
}
