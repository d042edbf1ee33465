import { describe, expect, it } from 'vitest';
import { EdgeError } from '../http/errors.ts';
import { parseDocument } from './document.ts';
import { rootMutationFields } from './mutation-fields.ts';

describe('rootMutationFields', () => {
  it('evaluates arguments against the variables, by field name not alias; the alias is the response key', () => {
    const doc = parseDocument('mutation M($id: ID!, $n: String!) { a: updateEntity(id: $id, name: $n) { id } linkEntities(from: "1", to: $id, kind: "k") { id } }');
    expect(rootMutationFields(doc, undefined, { id: '5', n: 'x' })).toEqual([
      { name: 'updateEntity', key: 'a', args: { id: '5', name: 'x' } },
      { name: 'linkEntities', key: 'linkEntities', args: { from: '1', to: '5', kind: 'k' } },
    ]);
  });

  it('object and list literals, missing variables', () => {
    const doc = parseDocument('mutation { move(input: { id: 7, tags: ["a", $t] }, when: $missing) { id } }');
    expect(rootMutationFields(doc, undefined, null)).toEqual([{ name: 'move', key: 'move', args: { input: { id: 7, tags: ['a', undefined] }, when: undefined } }]);
  });

  it('follows fragments and inline fragments at the root, once', () => {
    const doc = parseDocument('mutation { ...F ... on Mutation { b(x: 2) } } fragment F on Mutation { a(x: 1) ...F }');
    expect(rootMutationFields(doc, undefined, {})).toEqual([
      { name: 'a', key: 'a', args: { x: 1 } },
      { name: 'b', key: 'b', args: { x: 2 } },
    ]);
  });

  it('selects by operationName; queries have no mutation fields', () => {
    const doc = parseDocument('query Q { a } mutation M { b(id: 1) }');
    expect(rootMutationFields(doc, 'M', null)).toEqual([{ name: 'b', key: 'b', args: { id: 1 } }]);
    expect(rootMutationFields(doc, 'Q', null)).toEqual([]);
    expect(() => rootMutationFields(doc, undefined, null)).toThrow(EdgeError);
  });
});
