import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { EdgeError } from './http/errors.ts';
import { edgeSettings } from './settings.ts';

describe('edgeSettings', () => {
  it('reads the bindings; an empty LOCAL_REGION means "use cf.colo"', () => {
    expect(edgeSettings({ ...env, LOCAL_REGION: '', ORIGIN_URL: 'http://127.0.0.1:8789/' })).toMatchObject({
      originUrl: 'http://127.0.0.1:8789',
      localRegion: undefined,
    });
  });

  it('timeouts: unset or empty → defaults; set → validated whole milliseconds', () => {
    const base = { ...env } as Record<string, unknown>;
    delete base.ORIGIN_TIMEOUT_MS;
    expect(edgeSettings({ ...base, METRICS_FLUSH_MS: '' } as unknown as Env)).toMatchObject({ originTimeoutMs: 10_000, metricsFlushMs: 10_000 });
    expect(edgeSettings({ ...env, ORIGIN_TIMEOUT_MS: '2500', METRICS_FLUSH_MS: '50' })).toMatchObject({ originTimeoutMs: 2_500, metricsFlushMs: 50 });
    for (const bad of ['abc', '1.5', '0', '999999']) {
      expect(() => edgeSettings({ ...env, ORIGIN_TIMEOUT_MS: bad })).toThrow(/ORIGIN_TIMEOUT_MS/);
    }
  });

  it('names what is missing or invalid, never the secret values → 500 INTERNAL', () => {
    const broken = { ...env, PURGE_SIGNING_SECRET: 'short-secret', CONTROL_PLANE_TOKEN: undefined } as unknown as Env;
    let err: unknown;
    try {
      edgeSettings(broken);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EdgeError);
    const e = err as EdgeError;
    expect([e.status, e.code]).toEqual([500, 'INTERNAL']);
    expect(e.message).toMatch(/PURGE_SIGNING_SECRET/);
    expect(e.message).toMatch(/CONTROL_PLANE_TOKEN/);
    expect(e.message).not.toMatch(/short-secret/);
  });
});
