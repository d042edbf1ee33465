import { describe, expect, it } from 'vitest';
import { demoConfig, opByName } from '../../test/fixtures.ts';
import { indexConfig } from '../config/config-index.ts';
import { resolveSafelisted } from './resolve-operation.ts';
import type { GraphQLParams } from './http-params.ts';

const params = (p: Partial<GraphQLParams>): GraphQLParams => ({
  method: 'POST',
  query: undefined,
  variables: null,
  operationName: undefined,
  apqHash: undefined,
  documentId: undefined,
  ...p,
});

describe('resolveSafelisted', () => {
  it('answers a safelisted documentId or APQ hash from the config, one shared answer per config version', async () => {
    const config = await demoConfig();
    const index = indexConfig(config);
    const op = opByName(config, 'EntityById');
    const byId = resolveSafelisted(params({ documentId: op.id }), index);
    expect(byId).toEqual({ kind: 'operation', op: { id: op.id, document: op.document, operationType: 'query', safelisted: op } });
    expect(resolveSafelisted(params({ apqHash: op.id.slice('sha256:'.length) }), index)).toBe(byId);
    expect(resolveSafelisted(params({ documentId: op.id }), indexConfig(config))).not.toBe(byId);
  });

  it('leaves full queries and unknown documents to resolveOperation, and refuses a wrong operationName', async () => {
    const config = await demoConfig();
    const index = indexConfig(config);
    const op = opByName(config, 'EntityById');
    expect(resolveSafelisted(params({ query: op.document, documentId: op.id }), index)).toBeNull();
    expect(resolveSafelisted(params({ documentId: `sha256:${'0'.repeat(64)}` }), index)).toBeNull();
    expect(() => resolveSafelisted(params({ documentId: op.id, operationName: 'Other' }), index)).toThrow(/does not match/);
  });
});
