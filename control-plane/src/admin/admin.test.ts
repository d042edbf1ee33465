import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { alertEvaluationJob } from '../alerts/job.ts';
import { fsBlobStore } from '../exports/blobs/fs.ts';
import { batch, ingest, series } from '../metrics/testing.ts';
import { runJob } from '../scheduler/runner.ts';
import { seedDemo } from '../seed/demo.ts';
import { PLATFORM_ADMIN, startTestApp, tenantAdmin, tenantReader, type TestApp } from '../testing/app.ts';
import { apiClient } from './api.ts';
import type { PageContext } from './page.ts';
import { renderTiles } from './pages/overview.tsx';
import { csrfToken, SESSION_COOKIE, TENANT_COOKIE } from './session.ts';
import type { Tile } from './tiles/tile.tsx';

const ORIGIN = 'http://localhost';

describe('admin UI (server side, in-process)', () => {
  let t: TestApp;
  let platformToken: string;
  let opId: string;

  beforeAll(async () => {
    const secrets = await import('@conductor/schema/auth/dev-keys').then((m) => m.generateSecrets());
    // devSigningKey as server.ts passes it on loopback; the app's own key pair is replaced by this one.
    // No edge runs here: purges go to a closed port and fail as EDGE_UNAVAILABLE.
    t = await startTestApp({ publicJwks: [secrets.publicJwk], devSigningKey: secrets.privateJwk, edgeUrl: 'http://127.0.0.1:9' });
    t.token = (opts) => import('@conductor/schema/auth/tokens').then((m) => m.mintToken(secrets.privateJwk, opts));
    await seedDemo(t.db);
    platformToken = await t.token(PLATFORM_ADMIN);
    const list = (await (await t.call('GET', '/v1/safelist', { token: platformToken })).json()) as { operations: { id: string; name: string }[] };
    opId = list.operations.find((o) => o.name === 'EntityById')?.id ?? list.operations[0]!.id;
  });
  afterAll(() => t.close());

  const get = (path: string, cookie?: string) => t.app.request(path, { headers: cookie ? { cookie } : {} });
  const post = (path: string, fields: Record<string, string>, opts: { cookie?: string; origin?: string | null } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (opts.origin !== null) headers.origin = opts.origin ?? ORIGIN;
    if (opts.cookie) headers.cookie = opts.cookie;
    return t.app.request(path, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
  };
  const session = async (token: string) => ({ cookie: `${SESSION_COOKIE}=${token}`, csrf: await csrfToken(token) });

  it('sends visitors without a session to the sign-in page, keeping where they were going', async () => {
    const res = await get('/admin/safelist');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/sign-in?next=%2Fadmin%2Fsafelist');
  });

  it('signs in with a pasted token into an HttpOnly, SameSite=Strict cookie scoped to /admin', async () => {
    const res = await post('/admin/sign-in', { token: platformToken, next: '/admin/safelist' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/safelist');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`${SESSION_COOKIE}=${platformToken}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/admin/);
  });

  it('refuses a token it did not sign, with 401 and a clear message', async () => {
    const other = await import('@conductor/schema/auth/dev-keys').then((m) => m.generateSecrets());
    const forged = await import('@conductor/schema/auth/tokens').then((m) => m.mintToken(other.privateJwk, PLATFORM_ADMIN));
    const res = await post('/admin/sign-in', { token: forged });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('That token was not accepted');
    expect(res.headers.get('set-cookie') ?? '').not.toContain(SESSION_COOKIE);
  });

  it('never follows a next= that leaves the admin UI', async () => {
    const res = await post('/admin/sign-in', { token: platformToken, next: '//evil.example/admin' });
    expect(res.headers.get('location')).toBe('/admin');
  });

  it('rejects cross-site form posts (CSRF): sign-in without our Origin, page forms without the token', async () => {
    expect((await post('/admin/sign-in', { token: platformToken }, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await post('/admin/sign-in', { token: platformToken }, { origin: null })).status).toBe(403);
    const s = await session(platformToken);
    const path = `/admin/safelist/${encodeURIComponent(opId)}`;
    const noToken = await post(path, { _action: 'save', ttlSeconds: '5', scope: 'tenant' }, { cookie: s.cookie });
    expect(noToken.status).toBe(403);
    expect(await noToken.text()).toContain('This form submission was refused');
    const wrongOrigin = await post(path, { _action: 'save', _csrf: s.csrf, ttlSeconds: '5', scope: 'tenant' }, { cookie: s.cookie, origin: 'http://evil.example' });
    expect(wrongOrigin.status).toBe(403);
    const op = (await (await t.call('GET', `/v1/safelist/${encodeURIComponent(opId)}`, { token: platformToken })).json()) as { ttlSeconds: number };
    expect(op.ttlSeconds).not.toBe(5);
  });

  it('escapes reflected input', async () => {
    const res = await get(`/admin/sign-in?next=${encodeURIComponent('/admin"><script>alert(1)</script>')}`);
    const html = await res.text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('offers development sign-in only when the server hands it the dev key', async () => {
    expect(await (await get('/admin/sign-in')).text()).toContain('Sign in as development platform admin');
    const res = await post('/admin/sign-in/dev', { next: '/admin' });
    expect(res.status).toBe(303);
    const token = /conductor_admin_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { roles: string[]; scopes: string[]; tenants: string[] };
    expect(claims).toMatchObject({ roles: ['platform-admin'], scopes: ['admin.write'] });
    expect([...claims.tenants].sort()).toEqual(['acme', 'globex']);
    expect((await t.call('GET', '/v1/safelist', { token })).status).toBe(200);

    // Through a reverse proxy, or addressed to a public name, the button is not offered either.
    expect(await (await t.app.request('/admin/sign-in', { headers: { 'x-forwarded-for': '203.0.113.9' } })).text()).not.toContain('development platform admin');
    const proxied = await t.app.request('http://admin.example.com/admin/sign-in/dev', { method: 'POST', headers: { origin: 'http://admin.example.com', 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(proxied.status).toBe(404);

    // The same app as the Worker builds it: no dev key in its deps.
    const prod = createApp({ db: t.db, publicJwks: [], purgeSecret: 'x'.repeat(32), edgeUrl: 'http://127.0.0.1:9', fetch, exportBlobs: fsBlobStore(t.blobRoot) });
    expect(await (await prod.request('/admin/sign-in')).text()).not.toContain('development platform admin');
    const denied = await prod.request('/admin/sign-in/dev', { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(denied.status).toBe(404);
    expect(denied.headers.get('set-cookie') ?? '').not.toContain(SESSION_COOKIE);
  });

  it('treats only loopback listen addresses as development', async () => {
    const { isLoopbackHost } = await import('./dev-mode.ts');
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'example.com', '127.0.0.1.example.com']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('renders every navigation page for a platform admin, with landmarks and a skip link', async () => {
    const s = await session(platformToken);
    for (const path of ['/admin', '/admin/safelist', '/admin/invalidation-map', '/admin/purges', '/admin/controls']) {
      const res = await get(path, s.cookie);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html, path).toContain('<main id="main"');
      expect(html, path).toContain('href="#main"');
      expect(html, path).toContain('<nav aria-label="Admin sections"');
      expect(res.headers.get('content-security-policy'), path).toContain("script-src 'self'");
    }
    expect(await (await get('/admin/safelist', s.cookie)).text()).toContain('EntityById');
  });

  it('edits an operation through PATCH /v1/safelist as a platform admin', async () => {
    const s = await session(platformToken);
    const path = `/admin/safelist/${encodeURIComponent(opId)}`;
    const res = await post(path, { _action: 'save', _csrf: s.csrf, ttlSeconds: '42', scope: 'tenant', staleWhileRevalidateSeconds: '3', staleIfErrorSeconds: '0' }, { cookie: s.cookie });
    expect(res.status).toBe(303);
    const op = (await (await t.call('GET', `/v1/safelist/${encodeURIComponent(opId)}`, { token: platformToken })).json()) as { ttlSeconds: number };
    expect(op.ttlSeconds).toBe(42);
  });

  it('shows a tenant admin a clear 403 when trying a platform write, and changes nothing', async () => {
    const token = await t.token(tenantAdmin('acme'));
    const s = await session(token);
    const path = `/admin/safelist/${encodeURIComponent(opId)}`;
    const res = await post(path, { _action: 'save', _csrf: s.csrf, ttlSeconds: '7', scope: 'tenant' }, { cookie: s.cookie });
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain('You are not allowed to change this operation&#39;s cache policy.');
    expect(html).toContain('requires role platform-admin');
    const op = (await (await t.call('GET', `/v1/safelist/${encodeURIComponent(opId)}`, { token: platformToken })).json()) as { ttlSeconds: number };
    expect(op.ttlSeconds).not.toBe(7);
  });

  it('lets a multi-tenant admin switch to a tenant their token lists, and no other', async () => {
    const token = await t.token({ ...tenantAdmin('acme'), tenants: ['globex'] });
    const s = await session(token);
    const page = await (await get('/admin/purges', s.cookie)).text();
    expect(page).toContain('<label for="tenant-select">Tenant</label>');
    const ok = await post('/admin/tenant', { _csrf: s.csrf, tenant: 'globex', next: '/admin/purges' }, { cookie: s.cookie });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('set-cookie')).toContain(`${TENANT_COOKIE}=globex`);
    const switched = await (await get('/admin/purges', `${s.cookie}; ${TENANT_COOKIE}=globex`)).text();
    expect(switched).toContain('Purge tenant globex');

    const denied = await post('/admin/tenant', { _csrf: s.csrf, tenant: 'initech' }, { cookie: s.cookie });
    expect(denied.status).toBe(403);
    // A forged tenant cookie is ignored: the page falls back to the home tenant.
    expect(await (await get('/admin/purges', `${s.cookie}; ${TENANT_COOKIE}=initech`)).text()).toContain('Purge tenant acme');
  });

  it('downloads through an allowlist only, with the API deciding access', async () => {
    const reader = await session(await t.token(tenantReader('acme')));
    const res = await get('/admin/download/safelist.json', reader.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="safelist.json"');
    expect(((await res.json()) as { operations: unknown[] }).operations.length).toBeGreaterThan(0);
    expect((await get('/admin/download/tenants', reader.cookie)).status).toBe(404);
  });

  it('renders the what-if page with its charts, and the bare fragment the script swaps in', async () => {
    const s = await session(platformToken);
    const page = await get('/admin/what-if?op=entities', s.cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('id="chart-latency"');
    expect(html).toContain('<title id="chart-latency-title">List entities: p95 and p99 latency vs load factor</title>');
    const fragment = await get('/admin/what-if/fragment?op=entities&for=entities&instances=3&loadFactor=2', s.cookie);
    expect(fragment.status).toBe(200);
    const part = await fragment.text();
    expect(part.startsWith('<html')).toBe(false);
    expect(part).toContain('Estimate for List entities at load ×2');
    expect(part).toMatch(/<th scope="row">instances<\/th><td class="num">3<\/td><td>override<\/td>/);
  });

  it('downloads the what-if sweep of the scenario on screen as CSV', async () => {
    const s = await session(platformToken);
    const res = await get('/admin/download/what-if-sweep.csv?op=entities&for=entities&instances=3&loadFactor=2', s.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="what-if-sweep.csv"');
    const [header, ...rows] = (await res.text()).trim().split(/\r?\n/);
    expect(header!.split(',').slice(0, 2)).toEqual(['op_id', 'load_factor']);
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(rows.every((r) => r.startsWith('entities,'))).toBe(true);
    expect(rows.some((r) => r.startsWith('entities,2,'))).toBe(true);
  });

  it('sweeps the what-if up to where the origin saturates, and marks that load', async () => {
    const s = await session(platformToken);
    // No edge metrics here: the catalog baseline of entity-by-id, 40 req/s on 2 × 8 servers of 32 ms, ρ = 0.08.
    const html = await (await get('/admin/what-if?op=entity-by-id', s.cookie)).text();
    expect(html).toContain('The origin saturates (ρ = 1) from load <strong>×12.5</strong> (about 500 client requests/s)');
    expect(html).toMatch(/<g class="x-mark" data-x="12\.5">/);
    expect(html).toMatch(/<th scope="row">hitLatencyMs<\/th><td class="num">1<\/td><td>default<\/td>/);
    const csv = await (await get('/admin/download/what-if-sweep.csv?op=entity-by-id', s.cookie)).text();
    const [header, ...rows] = csv.trim().split(/\r?\n/).map((line) => line.split(','));
    const col = (name: string) => header!.indexOf(name);
    const points = rows.map((r) => ({ factor: Number(r[col('load_factor')]), rho: Number(r[col('rho')]), saturated: r[col('saturated')] === 'true', p99: r[col('p99_ms')] }));
    const stable = points.filter((p) => !p.saturated);
    expect(Math.max(...stable.map((p) => p.rho))).toBeGreaterThanOrEqual(0.95);
    expect(points.some((p) => p.saturated && p.p99 === '')).toBe(true);
    expect(Math.max(...points.map((p) => p.factor))).toBeGreaterThan(12.5);
    // The knee is in the data: p99 near saturation is many times p99 at today's load.
    const p99At = (f: (p: (typeof points)[number]) => boolean) => Number(points.find(f)!.p99);
    expect(p99At((p) => p.rho === Math.max(...stable.map((q) => q.rho)))).toBeGreaterThan(5 * p99At((p) => p.factor === 1));
  });

  it("refuses a tenant admin a what-if over every tenant's traffic, with 403 and a clear message", async () => {
    const s = await session(await t.token(tenantAdmin('acme')));
    const res = await get('/admin/what-if?op=entities&traffic=all', s.cookie);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('You are not allowed to run a what-if over every tenant&#39;s traffic.');
    expect((await get('/admin/what-if?op=entities&traffic=tenant', s.cookie)).status).toBe(200);
  });

  it('escapes report filters reflected into the page', async () => {
    const s = await session(platformToken);
    const res = await get(`/admin/reports?op=${encodeURIComponent('<script>alert(1)</script>')}`, s.cookie);
    const html = await res.text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('says "not available" for an API this control plane does not serve, and never invents data', async () => {
    const { apiClient } = await import('./api.ts');
    const missing = await apiClient(t.app, platformToken).get('/v1/no-such-report');
    expect(missing).toMatchObject({ ok: false, status: 404, unavailable: true });
    const known = await apiClient(t.app, platformToken).get('/v1/safelist/sha256:' + '0'.repeat(64));
    expect(known).toMatchObject({ ok: false, status: 404, unavailable: false });
  });

  it('keeps what the user typed and shows the validation error when the API rejects an edit', async () => {
    const s = await session(platformToken);
    const res = await post(
      '/admin/catalog/ops/entities',
      { _action: 'save', _csrf: s.csrf, name: 'List entities', service: 'entity-api', p95TargetMs: '900', p99TargetMs: '400', unitCostUSD: '0.00003', objective: '99.5%', windowDays: '28', safelistedOperation: 'Entities', serviceTimeMeanMs: '45', serviceTimeScv: '0.5', arrivalRatePerSecond: '10' },
      { cookie: s.cookie },
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Could not change the service catalog');
    expect(html).toContain('p99TargetMs must be at least p95TargetMs');
    expect(html).toMatch(/name="p95TargetMs"[^>]*value="900"|value="900"[^>]*name="p95TargetMs"/);
  });

  it('switches caching off and on again for a platform admin, and refuses a tenant admin', async () => {
    const tenant = await session(await t.token(tenantAdmin('acme')));
    const denied = await post('/admin/controls', { _action: 'global', _csrf: tenant.csrf, enabled: 'false' }, { cookie: tenant.cookie });
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain('You are not allowed to switch caching for every tenant.');

    const s = await session(platformToken);
    const controls = async () => (await (await t.call('GET', '/v1/cache/controls', { token: platformToken })).json()) as { cachingEnabled: boolean; operations: { name: string; cachingEnabled: boolean }[] };
    expect((await post('/admin/controls', { _action: 'global', _csrf: s.csrf, enabled: 'false' }, { cookie: s.cookie })).status).toBe(303);
    expect((await controls()).cachingEnabled).toBe(false);
    expect(await (await get('/admin/controls', s.cookie)).text()).toContain('Turn caching back on');
    expect((await post('/admin/controls', { _action: 'operation', _csrf: s.csrf, name: 'Entities', enabled: 'false' }, { cookie: s.cookie })).status).toBe(303);
    expect((await controls()).operations.find((o) => o.name === 'Entities')?.cachingEnabled).toBe(false);
    await post('/admin/controls', { _action: 'operation', _csrf: s.csrf, name: 'Entities', enabled: 'true' }, { cookie: s.cookie });
    await post('/admin/controls', { _action: 'global', _csrf: s.csrf, enabled: 'true' }, { cookie: s.cookie });
    expect((await controls()).cachingEnabled).toBe(true);
  });

  it('purges all only when confirmed, and reports an unreachable edge plainly', async () => {
    // Platform admins write into a tenant only when their token lists it (policies/conductor.cedar).
    const s = await session(await t.token({ ...PLATFORM_ADMIN, tenants: ['acme', 'globex'] }));
    const unconfirmed = await post('/admin/controls', { _action: 'purgeAll', _csrf: s.csrf }, { cookie: s.cookie });
    expect(unconfirmed.status).toBe(400);
    const res = await post('/admin/controls', { _action: 'purgeAll', _csrf: s.csrf, confirm: 'acme' }, { cookie: s.cookie, origin: ORIGIN });
    expect(res.status).toBe(502);
    expect(await res.text()).toContain('Could not purge this tenant</strong> (502 EDGE_UNAVAILABLE)');
    const history = await (await get('/admin/purges', `${s.cookie}; ${TENANT_COOKIE}=acme`)).text();
    expect(history).toContain('failed');
  });

  it('previews a purge without purging: an unreachable edge is reported plainly, the form keeps what was typed, nothing is recorded', async () => {
    const s = await session(await t.token(tenantReader('acme')));
    const before = await (await get('/admin/purges', s.cookie)).text();
    const fields = { _action: 'preview', _csrf: s.csrf, kind: 'mutation', target: 'updateEntity', variables: '{"id":"7"}' };
    const res = await post('/admin/purges', fields, { cookie: s.cookie });
    expect(res.status).toBe(502);
    const html = await res.text();
    expect(html).toContain('Could not preview this purge</strong> (502 EDGE_UNAVAILABLE)');
    expect(html).toContain('value="updateEntity"');
    expect(html).toContain('value="{&quot;id&quot;:&quot;7&quot;}"');
    expect(html).toMatch(/<option value="mutation" selected/);
    // A reader may preview but not purge, and the preview left no row in the history.
    const purge = await post('/admin/purges', { ...fields, _action: 'purge' }, { cookie: s.cookie });
    expect(purge.status).toBe(403);
    expect((await (await get('/admin/purges', s.cookie)).text()).match(/<tr>/g)?.length).toBe(before.match(/<tr>/g)?.length);
  });

  it('refuses a tenant admin the TTL Accept button with 403', async () => {
    const s = await session(await t.token(tenantAdmin('acme')));
    const res = await post('/admin/ttl', { _action: 'accept', _csrf: s.csrf, name: 'Entities', ttlSeconds: '120' }, { cookie: s.cookie });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('You are not allowed to change TTLs of safelisted operations.');
  });

  /** One overview tile's section, by its id. */
  const tile = (html: string, id: string) => {
    const m = new RegExp(`<section class="tile" id="tile-${id}" data-tile="${id}" data-state="([a-z]+)"[\\s\\S]*?</section>`).exec(html);
    expect(m, `tile ${id}`).not.toBeNull();
    return { state: m![1], html: m![0] };
  };

  it('opens on an overview of the cache, fed by the edge metrics ingest, each tile linking to its page', async () => {
    const ops = (await (await t.call('GET', '/v1/safelist', { token: platformToken })).json()) as { operations: { id: string; name: string }[] };
    const relationships = ops.operations.find((o) => o.name === 'Relationships')!.id;
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const origin = (n: number) => Array.from({ length: n }, (_, i) => 40 + (i % 30));
    const traffic = (tenant: string, hits: number, misses: number) => [
      series({ minute, tenant, opId: relationships, opName: 'Relationships', status: 'HIT', totalMs: Array.from({ length: hits }, (_, i) => 2 + (i % 5)) }),
      series({ minute, tenant, opId: relationships, opName: 'Relationships', status: 'MISS', totalMs: origin(misses).map((m) => m + 3), originMs: origin(misses) }),
    ];
    // acme: 95 % hits, so the cache takes most of p95 off; globex: 25 %, served p95 is a miss's (plus overhead).
    await ingest(t, batch({ series: [...traffic('acme', 950, 50), ...traffic('globex', 250, 750)], purgeFailures: [{ tenant: 'globex', count: 2 }] }));
    // Alerts show the scheduler's last evaluation: run it now rather than wait for its minute.
    await runJob(t.db, alertEvaluationJob(), new Date(), { ignoreSchedule: true });
    const purger = await t.token({ ...PLATFORM_ADMIN, tenants: ['acme', 'globex'] });
    await t.call('POST', '/v1/purge', { token: purger, body: { tenant: 'acme', opId: relationships } });
    await t.call('PUT', '/v1/cache/controls/operations/Entities/caching', { token: platformToken, body: { enabled: false } });
    try {
      const s = await session(platformToken);
      const res = await get('/admin', `${s.cookie}; ${TENANT_COOKIE}=acme`);
      expect(res.status).toBe(200);
      const html = await res.text();

      const hit = tile(html, 'hit-ratio');
      expect(hit.state).toBe('ok');
      // (950 + 250) of 2000 requests answered from cache.
      expect(hit.html).toContain('60.0 %');
      expect(hit.html).toContain('of 2,000 requests, 2 operations in 2 tenants');

      const p95 = tile(html, 'p95-delta');
      expect(p95.state).toBe('ok');
      const rows = [...p95.html.matchAll(/<tr data-op="[^"]+"><th scope="row">([\s\S]*?)<\/th>/g)].map((m) => m[1]!);
      expect(rows).toHaveLength(2);
      // Worst first: globex's cache takes least off p95; the op's name stands beside its id.
      expect(rows[0]).toMatch(/<span class="op-name">Relationships<\/span> <code title="sha256:[0-9a-f]{64}">[0-9a-f]{12}…<\/code><\/span> · globex/);
      expect(rows[1]).toContain(' · acme');

      const alerts = tile(html, 'alerts');
      expect(alerts.html).toMatch(/<strong>ConductorPurgeFailures<\/strong> \(critical\), tenant globex/);

      const purges = tile(html, 'purges');
      expect(purges.html).toContain('Recent purges · acme');
      expect(purges.html).toMatch(/operation <span class="op-ref"><span class="op-name">Relationships<\/span>/);
      expect(purges.html).toContain('failed');

      const caching = tile(html, 'caching');
      expect(caching.html).toContain('Caching on');
      expect(caching.html).toMatch(/Switched off for 1 of \d+ operations: Entities\./);

      for (const [id, href] of [['hit-ratio', '/admin/reports?scope=all&amp;window=60'], ['p95-delta', '/admin/reports?scope=all&amp;window=60'], ['alerts', '/admin/reports?scope=all#alerts-heading'], ['purges', '/admin/purges'], ['caching', '/admin/controls']] as const) {
        expect(tile(html, id).html, id).toContain(`<p class="tile-link"><a href="${href}">`);
      }

      // The purge history names the operation the same way.
      const history = await (await get('/admin/purges', `${s.cookie}; ${TENANT_COOKIE}=acme`)).text();
      expect(history).toMatch(/operation <span class="op-ref"><span class="op-name">Relationships<\/span> <code title="sha256:/);
    } finally {
      await t.call('PUT', '/v1/cache/controls/operations/Entities/caching', { token: platformToken, body: { enabled: true } });
    }
  });

  it('shows an empty or refused tile as such, never as made-up numbers', async () => {
    // Member of a tenant with no traffic and no admin scope: reports are readable (and empty), the switches are not.
    const s = await session(await t.token({ tenant: 'newco', sub: 'user:viewer@newco' }));
    const res = await get('/admin', s.cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(tile(html, 'hit-ratio')).toMatchObject({ state: 'empty', html: expect.stringContaining('No data yet: the edge has reported no traffic in the last 60 minutes.') });
    expect(tile(html, 'p95-delta').state).toBe('empty');
    expect(tile(html, 'purges')).toMatchObject({ state: 'empty', html: expect.stringContaining('No data yet: no purges recorded for tenant newco.') });
    expect(tile(html, 'alerts').html).toContain('No alerts firing');
    const caching = tile(html, 'caching');
    expect(caching.state).toBe('forbidden');
    expect(caching.html).toContain('Not available to you: your access does not include the caching switches.');
    expect(html).not.toMatch(/data-metric="(hit-ratio|caching)"/);
  });

  it('renders a tile whose endpoint is missing or which fails as such, and the others regardless', async () => {
    const token = await t.token(PLATFORM_ADMIN);
    const ctx = { claims: { sub: 'user:root', tenant: 'conductor', tenants: [], roles: [], scopes: [] }, tenant: 'acme', tenants: ['acme'], api: apiClient(t.app, token), params: {}, query: new URLSearchParams(), csrf: '', status: 200 } as unknown as PageContext;
    const fake = (id: string, render: Tile['render']): Tile => ({ id, title: id, href: '/admin', link: `Open ${id}`, render });
    const { refused } = await import('./tiles/tile.tsx');
    const html = String(
      await renderTiles(ctx, [
        fake('later-lane', async (c) => {
          const res = await c.api.get('/v1/not-built-yet/awaiting-review');
          return res.ok ? { state: 'ok', body: 'unexpected' } : refused(res, 'exports awaiting review');
        }),
        fake('broken', () => Promise.reject(new Error('boom'))),
        fake('fine', async () => ({ state: 'ok', body: 'all good' })),
      ]),
    );
    expect(tile(html, 'later-lane')).toMatchObject({ state: 'unavailable', html: expect.stringContaining('Not available: this control plane does not serve exports awaiting review.') });
    expect(tile(html, 'broken')).toMatchObject({ state: 'error', html: expect.stringContaining('Could not load this tile: boom') });
    expect(tile(html, 'fine')).toMatchObject({ state: 'ok', html: expect.stringContaining('all good') });
  });

  it('shows ids alone, not called unknown, to a user who may not read the safelist', async () => {
    const { opNames, OpRef } = await import('./components/op-ref.tsx');
    const id = `sha256:${'c'.repeat(64)}`;
    const hidden = await opNames(apiClient(t.app, await t.token({ tenant: 'newco', sub: 'user:viewer@newco' })));
    expect(hidden.readable).toBe(false);
    expect(String(await OpRef({ id, names: hidden }))).toBe(`<span class="op-ref"> <code title="${id}">cccccccccccc…</code></span>`);
    const visible = await opNames(apiClient(t.app, platformToken));
    expect(String(await OpRef({ id, names: visible }))).toContain('<span class="op-name unknown">not in the safelist</span>');
  });

  it('signs out: clears the cookie', async () => {
    const s = await session(platformToken);
    const res = await post('/admin/sign-out', { _csrf: s.csrf }, { cookie: s.cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`${SESSION_COOKIE}=;`));
  });
});
