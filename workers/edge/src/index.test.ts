import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { signWebhook } from '@conductor/sdk';

// Through the real entry and bindings. The control plane is unreachable here (closed port), which
// pins down what the edge does without one; behaviour with it is tests/e2e's.
const edge = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`https://edge.test${path}`, init));

describe('worker entry', () => {
  it('unknown route → 404 NOT_FOUND', async () => {
    const res = await edge('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('GET on the purge hook → 405', async () => {
    const res = await edge('/__edge/purge');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('purge signature is checked before anything else', async () => {
    const res = await edge('/__edge/purge', { method: 'POST', body: '{"tenant":"acme","all":true}' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'SIGNATURE_MISSING' } });
  });

  it('no config ever loaded → 503 CONFIG_UNAVAILABLE (health and a signed purge)', async () => {
    const health = await edge('/__edge/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ error: { code: 'CONFIG_UNAVAILABLE' } });
    const body = JSON.stringify({ purgeId: 'entry-test-0001', tenant: 'acme', all: true });
    const purge = await edge('/__edge/purge', {
      method: 'POST',
      headers: { 'x-conductor-signature': await signWebhook('test-purge-secret-0123456789abcdef', body) },
      body,
    });
    expect(purge.status).toBe(503);
  });

  it('graphql without a token → 401 before any network', async () => {
    const res = await edge('/graphql', { method: 'POST', body: '{"query":"{ a }"}' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });
});
