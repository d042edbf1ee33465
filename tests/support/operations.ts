import manifest from '@conductor/example-origin/persisted-operations.json' with { type: 'json' };

export interface DemoOperation {
  /** `sha256:<hex>`, as sent in `documentId`. */
  documentId: string;
  /** Bare hex, as sent in APQ `extensions.persistedQuery.sha256Hash`. */
  hash: string;
  body: string;
}

function op(name: string): DemoOperation {
  const found = manifest.operations.find((o) => o.name === name);
  if (!found) throw new Error(`demo manifest lacks ${name}`);
  return { documentId: `sha256:${found.id}`, hash: found.id, body: found.body };
}

/** The demo safelist seeded into every stack (examples/origin/persisted-operations.json). */
export const OPS = {
  EntityById: op('EntityById'),
  Entities: op('Entities'),
  Relationships: op('Relationships'),
  UpdateEntity: op('UpdateEntity'),
  LinkEntities: op('LinkEntities'),
  Documents: op('Documents'),
};
