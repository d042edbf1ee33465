import { describe, expect, it } from 'vitest';
import { demoConfig, opByName } from '../../test/fixtures.ts';
import { indexConfig } from './config-index.ts';

describe('indexConfig', () => {
  it('indexes the demo config once', async () => {
    const config = await demoConfig();
    const index = indexConfig(config);
    const byId = opByName(config, 'EntityById');
    const rels = opByName(config, 'Relationships');
    expect(index.version).toBe('test-1');
    expect(index.cachingEnabled).toBe(true);
    expect(indexConfig({ ...config, cachingEnabled: false }).cachingEnabled).toBe(false);
    expect(index.opsById.get(byId.id)).toBe(byId);
    expect(index.queryIdsByName.get('EntityById')).toEqual([byId.id]);
    // Mutations are safelisted (strict tenants may run them) but never affected reads.
    expect(index.queryIdsByName.has('UpdateEntity')).toBe(false);
    expect(index.tenants.get('globex')).toEqual({ id: 'globex', strictSafelist: true });
    expect(index.invalidationsByMutation.get('updateEntity')?.map((r) => r.affectedOp)).toEqual(['EntityById', 'Entities']);
    expect(index.invalidationsByAffected.get('Relationships')).toHaveLength(1);
    expect(index.selectorKeySets.get(byId.id)).toEqual([['id']]);
    expect(index.selectorKeySets.get(rels.id)).toEqual([['entityId']]);
    expect(index.selectorKeySets.get(opByName(config, 'Entities').id)).toEqual([]);
  });
});
