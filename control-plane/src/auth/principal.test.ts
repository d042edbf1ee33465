import { describe, expect, it } from 'vitest';
import { ClaimsSchema } from '@conductor/schema/contracts/auth';
import { actorOf, automation } from './principal.ts';

describe('actors', () => {
  it('a person acts as their token subject, automation as automation:<name>', () => {
    expect(actorOf(ClaimsSchema.parse({ sub: 'user:admin@acme', tenant: 'acme' }))).toBe('user:admin@acme');
    expect(actorOf(automation('metrics-retention'))).toBe('automation:metrics-retention');
  });

  it('refuses automation names outside the safe alphabet', () => {
    for (const bad of ['', 'Metrics', 'a b', 'a:b', 'x'.repeat(64)]) expect(() => automation(bad), bad).toThrow(/automation name/);
  });

  it('no token may claim an automation actor as its subject', () => {
    const parsed = ClaimsSchema.safeParse({ sub: 'automation:metrics-retention', tenant: 'acme' });
    expect(parsed.success).toBe(false);
  });
});
