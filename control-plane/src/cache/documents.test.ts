import { describe, expect, it } from 'vitest';
import { apiFailure as failure } from '../testing/api-error.ts';
import { analyseDocument } from './documents.ts';

describe('analyseDocument', () => {
  it.each([
    ['query EntityById($id: ID!) { entity(id: $id) { id } }', undefined, { name: 'EntityById', operationType: 'query', variables: ['id'] }],
    ['mutation Link($from: ID!, $to: ID!, $kind: String!) { linkEntities(from: $from, to: $to, kind: $kind) { id } }', undefined, { name: 'Link', operationType: 'mutation', variables: ['from', 'to', 'kind'] }],
    ['subscription OnChange { changed { id } }', undefined, { name: 'OnChange', operationType: 'subscription', variables: [] }],
    ['{ entities { id } }', 'AllEntities', { name: 'AllEntities', operationType: 'query', variables: [] }],
    ['query ($limit: Int, $after: ID) { entities(limit: $limit) { id } }', 'Page', { name: 'Page', operationType: 'query', variables: ['limit', 'after'] }],
    ['query E($id: ID!) { entity(id: $id) { ...F } } fragment F on Entity { id name }', 'E', { name: 'E', operationType: 'query', variables: ['id'] }],
  ])('%s (name %s)', (document, name, expected) => {
    expect(analyseDocument(document, name)).toEqual(expected);
  });

  it('reports GraphQL syntax errors as GRAPHQL_PARSE_FAILED with the parser message', () => {
    const err = failure(() => analyseDocument('query Broken { entity(id: ) { id }'));
    expect(err).toMatchObject({ status: 400, code: 'GRAPHQL_PARSE_FAILED' });
    expect(err.message).toMatch(/Syntax Error/);
  });

  it('rejects a document without an operation', () => {
    expect(failure(() => analyseDocument('fragment F on Entity { id }'))).toMatchObject({ status: 400, code: 'GRAPHQL_PARSE_FAILED' });
  });

  it('refuses documents with several operations, even when one is named', () => {
    const doc = 'query A { a } mutation B { b }';
    expect(failure(() => analyseDocument(doc))).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(failure(() => analyseDocument(doc, 'A'))).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('refuses a name that contradicts the operation name', () => {
    const err = failure(() => analyseDocument('query EntityById { a }', 'Other'));
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(err.message).toContain('EntityById');
  });

  it('refuses an anonymous operation without a name', () => {
    expect(failure(() => analyseDocument('{ entities { id } }'))).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('bounds the parser work on hostile documents', () => {
    const huge = `query Q { ${'a '.repeat(30_000)}}`;
    expect(failure(() => analyseDocument(huge))).toMatchObject({ status: 400, code: 'GRAPHQL_PARSE_FAILED' });
  });
});
