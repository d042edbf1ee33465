import { describe, expect, it } from 'vitest';
import { demoConfig, opByName } from '../../test/fixtures.ts';
import { indexConfig } from '../config/config-index.ts';
import type { ParsedRequest } from '../graphql/parsed-requests.ts';
import { cacheKey, cacheUrl, canonicalVariables, generationDigest } from './keyer.ts';
import { computeUrl, knownUrl, PLANS_PER_REQUEST, ReadPlans } from './read-plans.ts';
import { readTags } from './tags.ts';

async function setup() {
  const config = await demoConfig();
  const index = indexConfig(config);
  const op = opByName(config, 'EntityById');
  const variables = { id: '7' };
  const vars = (await canonicalVariables(variables))!;
  const parsed: ParsedRequest = { params: { method: 'POST', query: undefined, variables, operationName: undefined, apqHash: undefined, documentId: op.id }, vars };
  const tags = readTags(op.id, vars.varsHash, variables, index.selectorKeySets.get(op.id) ?? []);
  const key = cacheKey({ tenant: 'acme', region: 'test', opId: op.id, varsHash: vars.varsHash });
  const read = (epoch: string, gens: number[]) => ({ epoch, generations: Object.fromEntries(tags.map((t, i) => [t, gens[i] ?? 0])) });
  return { config, index, op, parsed, tags, key, read };
}

describe('ReadPlans', () => {
  it('a plan holds the key and tags the handler would build, and reuses the URL only for the generations it came from', async () => {
    const { index, op, parsed, tags, key, read } = await setup();
    const plans = new ReadPlans();
    const plan = plans.plan(parsed, index, 'acme', 'test', op.id, undefined);
    expect([plan.key, plan.tags]).toEqual([key, tags]);
    expect(knownUrl(plan, read('e1', [0, 0, 0, 0]))).toBeNull();
    const url = await computeUrl(plan, read('e1', [0, 0, 0, 0]));
    expect(url).toBe(cacheUrl(key, await generationDigest(read('e1', [0, 0, 0, 0]), tags)));
    expect(plans.plan(parsed, index, 'acme', 'test', op.id, undefined)).toBe(plan);
    expect(knownUrl(plan, read('e1', [0, 0, 0, 0]))).toBe(url);
    // Any bumped tag, or another storage epoch, is another URL.
    for (let i = 0; i < tags.length; i++) expect(knownUrl(plan, read('e1', tags.map((_, j) => (i === j ? 1 : 0))))).toBeNull();
    expect(knownUrl(plan, read('e2', [0, 0, 0, 0]))).toBeNull();
    const bumped = await computeUrl(plan, read('e1', [0, 0, 0, 1]));
    expect(bumped).not.toBe(url);
    expect(knownUrl(plan, read('e1', [0, 0, 0, 1]))).toBe(bumped);
  });

  it('one plan per tenant, region, user and config version; at most PLANS_PER_REQUEST per request', async () => {
    const { config, index, op, parsed } = await setup();
    const plans = new ReadPlans();
    const acme = plans.plan(parsed, index, 'acme', 'test', op.id, undefined);
    expect(plans.plan(parsed, index, 'globex', 'test', op.id, undefined).key).toMatch(/^v1\/globex\/test\//);
    expect(plans.plan(parsed, index, 'acme', 'other', op.id, undefined).key).toMatch(/^v1\/acme\/other\//);
    expect(plans.plan(parsed, index, 'acme', 'test', op.id, 'u1').key).toMatch(/\/u:u1$/);
    // Another config version may change the tags (the invalidation map): a plan of its own.
    expect(plans.plan(parsed, indexConfig(config), 'acme', 'test', op.id, undefined)).not.toBe(acme);
    for (let i = 0; i < PLANS_PER_REQUEST; i++) plans.plan(parsed, index, `t${i}`, 'test', op.id, undefined);
    expect(plans.plan(parsed, index, 'acme', 'test', op.id, undefined)).not.toBe(acme);
  });
});
