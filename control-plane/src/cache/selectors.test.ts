import { describe, expect, it } from 'vitest';
import type { EdgeInvalidation } from '@conductor/schema/contracts/edge-config';
import { apiFailure as failure } from '../testing/api-error.ts';
import { checkInvalidation, checkVersionAgainstMap, type OperationVersion } from './selectors.ts';

const v1: OperationVersion = { id: 'sha256:01', name: 'Relationships', operationType: 'query', variables: ['entityId'] };
const v2: OperationVersion = { id: 'sha256:02', name: 'Relationships', operationType: 'query', variables: ['entityId', 'limit'] };
const mutation: OperationVersion = { id: 'sha256:03', name: 'UpdateEntity', operationType: 'mutation', variables: ['id', 'name'] };

describe('checkInvalidation', () => {
  it.each([
    [{ entityId: ['$.from', '$.to'] }],
    [{ entityId: '$.input.id' }],
    [null],
    [{}],
  ])('accepts selector %j over variables every version declares', (varsSelector) => {
    expect(() => checkInvalidation({ mutationOp: 'linkEntities', affectedOp: 'Relationships', varsSelector }, [v1, v2])).not.toThrow();
  });

  it('rejects a variable that one stored version does not declare, naming it', () => {
    const err = failure(() =>
      checkInvalidation({ mutationOp: 'linkEntities', affectedOp: 'Relationships', varsSelector: { limit: '$.n' } }, [v1, v2]),
    );
    expect(err).toMatchObject({ status: 400, code: 'UNDECLARED_VARIABLE' });
    expect(err.message).toContain('"limit"');
    expect(err.message).toContain('sha256:01');
  });

  it('rejects an affected operation that is not safelisted', () => {
    expect(
      failure(() => checkInvalidation({ mutationOp: 'updateEntity', affectedOp: 'Nope', varsSelector: null }, [v1, v2])),
    ).toMatchObject({ status: 404, code: 'UNKNOWN_OPERATION' });
  });

  it('only considers versions of the affected name', () => {
    expect(
      failure(() => checkInvalidation({ mutationOp: 'updateEntity', affectedOp: 'Relationships', varsSelector: null }, [mutation])),
    ).toMatchObject({ status: 404, code: 'UNKNOWN_OPERATION' });
  });

  it('rejects a mutation as the affected operation: it is never cached', () => {
    expect(
      failure(() => checkInvalidation({ mutationOp: 'linkEntities', affectedOp: 'UpdateEntity', varsSelector: null }, [mutation])),
    ).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });
});

describe('checkVersionAgainstMap', () => {
  const map: EdgeInvalidation[] = [
    { mutationOp: 'linkEntities', affectedOp: 'Relationships', varsSelector: { entityId: ['$.from', '$.to'] } },
    { mutationOp: 'updateEntity', affectedOp: 'EntityById', varsSelector: { id: '$.id' } },
  ];

  it('accepts a new version declaring every selected variable', () => {
    expect(() => checkVersionAgainstMap(v2, map)).not.toThrow();
  });

  it('ignores entries of other operations', () => {
    expect(() => checkVersionAgainstMap({ ...v1, name: 'Unmapped', variables: [] }, map)).not.toThrow();
  });

  it('rejects a new version that drops a selected variable', () => {
    const err = failure(() => checkVersionAgainstMap({ ...v1, id: 'sha256:09', variables: ['entity'] }, map));
    expect(err).toMatchObject({ status: 400, code: 'UNDECLARED_VARIABLE' });
    expect(err.message).toContain('"entityId"');
  });
});
