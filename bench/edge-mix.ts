import manifest from '@conductor/example-origin/persisted-operations.json' with { type: 'json' };
import type { LoadRequest } from './load.ts';

/**
 * The request mix of `bench:edge` and `bench:edge-profile`: 55 safelisted reads of tenant `acme`
 * (40 × EntityById, 3 × Entities, 12 × Relationships), sent as persisted ids to the edge and as
 * full query text to systems without a persisted-document store.
 */
export const TENANT = 'acme';

const op = (name: string) => {
  const found = manifest.operations.find((o) => o.name === name);
  if (!found) throw new Error(`manifest lacks ${name}`);
  return { documentId: `sha256:${found.id}`, body: found.body };
};

export const ENTITY = op('EntityById');
export const MIX: Array<{ op: ReturnType<typeof op>; variables: Record<string, unknown> }> = [
  ...Array.from({ length: 40 }, (_, i) => ({ op: ENTITY, variables: { id: String(i + 1) } })),
  ...[5, 10, 25].map((limit) => ({ op: op('Entities'), variables: { limit } })),
  ...Array.from({ length: 12 }, (_, i) => ({ op: op('Relationships'), variables: { entityId: String(i + 1) } })),
];

/** The mix as the edge receives it: `{documentId, variables}` with the caller's JWT. */
export function persistedRequests(token: string): LoadRequest[] {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  return MIX.map((m) => ({ method: 'POST', path: '/graphql', headers, body: JSON.stringify({ documentId: m.op.documentId, variables: m.variables }) }));
}

/** The mix as full query text (the origin and the peer). */
export function fullQueryRequests(token: string): LoadRequest[] {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  return MIX.map((m) => ({ method: 'POST', path: '/graphql', headers, body: JSON.stringify({ query: m.op.body, variables: m.variables }) }));
}
