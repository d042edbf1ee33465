import { describe, expect, expectTypeOf, it } from 'vitest';
import * as classic from 'zod';
import * as mini from 'zod/mini';
import { ClaimsSchema as ContractClaims, type Claims } from '@conductor/schema/contracts/auth';
import { EdgeConfigSchema as ContractEdgeConfig, type EdgeConfig } from '@conductor/schema/contracts/edge-config';
import {
  PurgeDryRunRequestSchema as ContractPurgeDryRunRequest,
  PurgeRequestSchema as ContractPurgeRequest,
  type PurgeDryRunRequest,
  type PurgeRequest,
} from '@conductor/sdk';
import { demoConfig } from '../../test/fixtures.ts';
import { ClaimsSchema } from './claims.ts';
import { EdgeConfigSchema } from './edge-config.ts';
import { PurgeDryRunRequestSchema, PurgeRequestSchema } from './purge-request.ts';

// The edge's zod/mini mirrors of the shared wire contracts (docs/adr/0012) against the contracts
// themselves: the same JSON Schema (fields, types, patterns, bounds, defaults, strictness) in
// both directions of parsing, and the same verdict and output on vectors.
const pairs = [
  ['claims', ContractClaims, ClaimsSchema],
  ['edge config', ContractEdgeConfig, EdgeConfigSchema],
  ['purge request', ContractPurgeRequest, PurgeRequestSchema],
  ['purge dry run', ContractPurgeDryRunRequest, PurgeDryRunRequestSchema],
] as const;

describe('edge wire schemas mirror the shared contracts', () => {
  it('parse to the contract types (checked by the compiler, npm run typecheck)', () => {
    expectTypeOf<mini.output<typeof ClaimsSchema>>().toEqualTypeOf<Claims>();
    expectTypeOf<mini.output<typeof EdgeConfigSchema>>().toEqualTypeOf<EdgeConfig>();
    expectTypeOf<mini.output<typeof PurgeRequestSchema>>().toEqualTypeOf<PurgeRequest>();
    expectTypeOf<mini.output<typeof PurgeDryRunRequestSchema>>().toEqualTypeOf<PurgeDryRunRequest>();
  });

  for (const [name, contract, mirror] of pairs) {
    it(`${name}: same JSON Schema for input and output`, () => {
      for (const io of ['input', 'output'] as const) {
        expect(mini.toJSONSchema(mirror, { io })).toEqual(classic.toJSONSchema(contract, { io }));
      }
    });
  }

  it('same verdicts and outputs on vectors', async () => {
    const config = await demoConfig();
    const vectors: Array<[(typeof pairs)[number], unknown]> = [
      [pairs[0], { sub: 'u1', tenant: 'acme' }],
      [pairs[0], { sub: 'u1', tenant: 'acme', roles: ['platform-admin'], scopes: ['admin.write'], clearance: 3, extra: true }],
      [pairs[0], { sub: '', tenant: 'acme' }],
      [pairs[0], { sub: 'u1', tenant: 'acme', clearance: 6 }],
      [pairs[0], { sub: 'u1', tenant: 'acme', clearance: 1.5 }],
      [pairs[0], { sub: 'u1', tenant: 'acme', purposes: ['investigation'] }],
      [pairs[0], { sub: 'u1', tenant: 'acme', purposes: [''] }],
      [pairs[0], { sub: 'automation:retention', tenant: 'acme' }],
      [pairs[1], config],
      [pairs[1], { ...config, safelist: [{ ...config.safelist[0]!, id: 'sha256:XYZ' }] }],
      [pairs[1], { ...config, invalidationMap: [{ mutationOp: 'm', affectedOp: 'q', varsSelector: { id: 'id' } }] }],
      [pairs[1], { ...config, invalidationMap: [{ mutationOp: 'm', affectedOp: 'q', varsSelector: { id: [] } }] }],
      [pairs[2], { purgeId: 'purge-0001', tenant: 'acme', all: true }],
      [pairs[2], { purgeId: 'purge-0001', tenant: 'acme', mutation: { op: 'updateEntity' } }],
      [pairs[2], { tenant: 'acme', opId: 'sha256:abc', varsHash: 'a'.repeat(64) }],
      [pairs[2], { tenant: 'acme', opId: 'sha256:abc', varsHash: 'A'.repeat(64) }],
      [pairs[2], { purgeId: 'short', tenant: 'acme', all: true }],
      [pairs[2], { tenant: 'acme', all: true, opId: 'x' }],
      [pairs[2], { tenant: 'acme', all: false }],
      [pairs[3], { tenant: 'acme', all: true, dryRun: true }],
      [pairs[3], { tenant: 'acme', mutation: { op: 'updateEntity' }, dryRun: true }],
      [pairs[3], { tenant: 'acme', opId: 'sha256:abc', varsHash: 'a'.repeat(64), dryRun: true }],
      [pairs[3], { tenant: 'acme', opId: 'sha256:abc', dryRun: true }],
      [pairs[3], { purgeId: 'purge-0001', tenant: 'acme', all: true, dryRun: true }],
      [pairs[3], { tenant: 'acme', all: true, dryRun: false }],
      [pairs[3], { tenant: 'acme', all: true }],
    ];
    for (const [[name, contract, mirror], input] of vectors) {
      const expected = contract.safeParse(input);
      const actual = mirror.safeParse(input);
      expect({ name, input, success: actual.success, data: actual.data }).toEqual({ name, input, success: expected.success, data: expected.data });
    }
  });
});
