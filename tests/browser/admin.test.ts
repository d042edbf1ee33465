import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevSecrets } from '@conductor/schema/auth/dev-keys';
import { mintToken } from '@conductor/schema/auth/tokens';
import { series } from '@conductor/control-plane/testing/metrics';
import { startTestControlPlane, type TestControlPlane } from '@conductor/control-plane/testing/control-plane';
import { PAGES } from '@conductor/control-plane/admin/pages';
import { axeViolations, type AxeFinding } from './axe.ts';
import { launchBrowser, screenshot, type Browser } from './browser.ts';

/**
 * The admin UI in a real browser (Debian chromium through playwright-core) against a real,
 * seeded control plane on loopback: sign-in, the overview's tiles, an axe-core scan of every page,
 * editing, the what-if chart, exports, a forbidden action. Each page is saved as a screenshot under
 * test-artifacts/screenshots/.
 */
describe('admin UI in chromium', { timeout: 120_000 }, () => {
  let t: TestControlPlane;
  let browser: Browser;
  let page: Page;
  let base: string;
  let platformToken: string;
  let tenantAdminToken: string;
  let entityById: { id: string; name: string };

  beforeAll(async () => {
    t = await startTestControlPlane();
    base = t.cp.url;
    const { privateJwk } = await ensureDevSecrets(t.dataDir);
    platformToken = await mintToken(privateJwk, { tenant: 'conductor', sub: 'user:root', roles: ['platform-admin'], scopes: ['admin.write'] });
    tenantAdminToken = await mintToken(privateJwk, { tenant: 'acme', sub: 'user:admin@acme', scopes: ['admin.write'] });
    // Edge traffic for the reports, pushed the way the edge pushes it (its service token, the metrics API).
    const edgeToken = await mintToken(privateJwk, { tenant: 'conductor', sub: 'service:edge', roles: ['edge'], scopes: ['edge.config', 'edge.metrics'] });
    entityById = ((await api('/v1/safelist')).operations as { id: string; name: string }[]).find((o) => o.name === 'EntityById')!;
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const origin = Array.from({ length: 300 }, (_, i) => 40 + (i % 30));
    const ingest = await fetch(`${base}/v1/metrics/edge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${edgeToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        batchId: randomUUID(),
        sentAt: new Date().toISOString(),
        series: [
          series({ minute, tenant: 'acme', opId: entityById.id, opName: 'EntityById', status: 'HIT', totalMs: Array.from({ length: 900 }, (_, i) => 2 + (i % 5)) }),
          series({ minute, tenant: 'acme', opId: entityById.id, opName: 'EntityById', status: 'MISS', totalMs: origin.map((m) => m + 3), originMs: origin }),
        ],
        purges: [{ purgeId: 'edge-mutation:browser-test-1', tenant: 'acme', tags: [`op:${entityById.id}`], duplicate: false, appliedAt: new Date().toISOString() }],
        purgeFailures: [{ tenant: 'acme', count: 2 }],
      }),
    });
    expect(ingest.status).toBe(202);
    // An admin purge for the overview's purge tile. No edge runs here, so it is recorded as failed; either way it is in the history.
    const purger = await mintToken(privateJwk, { tenant: 'conductor', sub: 'user:root', roles: ['platform-admin'], scopes: ['admin.write'], tenants: ['acme'] });
    await fetch(`${base}/v1/purge`, { method: 'POST', headers: { authorization: `Bearer ${purger}`, 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'acme', opId: entityById.id }) });
    // Alerts show the scheduler's last evaluation: run it now rather than wait for its minute.
    expect(await t.cp.scheduler.runNow('alerts.evaluate')).toMatchObject({ outcome: 'ok' });
    browser = await launchBrowser();
    page = browser.page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  const api = async (path: string) => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${platformToken}` } });
    expect(res.status, path).toBe(200);
    return res.json() as Promise<Record<string, unknown>>;
  };

  async function signOut() {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/admin/sign-in');
  }

  it('signs in with the development button and shows the overview', async () => {
    await page.goto(`${base}/admin/catalog`);
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, '01-sign-in');
    await page.getByRole('button', { name: 'Sign in as development platform admin' }).click();
    await page.waitForURL(`${base}/admin/catalog`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Service catalog');
    const cookies = await browser.context.cookies(`${base}/admin`);
    const session = cookies.find((c) => c.name === 'conductor_admin_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    expect(await page.evaluate(() => document.cookie)).not.toContain('conductor_admin_session');
    await page.getByRole('link', { name: 'Overview' }).click();
    expect(await page.getByText('user:dev-admin').first().isVisible()).toBe(true);
    await screenshot(page, '02-overview');
  });

  it('opens on tiles fed by the edge metrics ingest, each linking to its page', async () => {
    await page.goto(`${base}/admin`);
    const tile = (id: string) => page.locator(`section[data-tile="${id}"]`);
    // 900 HIT and 300 MISS for acme's EntityById, pushed through POST /v1/metrics/edge.
    expect(await tile('hit-ratio').locator('[data-metric="hit-ratio"]').textContent()).toBe('75.0 %');
    expect(await tile('hit-ratio').textContent()).toContain('of 1,200 requests');
    const worst = tile('p95-delta').locator('tbody tr');
    expect(await worst.count()).toBe(1);
    expect(await worst.getByRole('rowheader').textContent()).toMatch(new RegExp(`^EntityById ${entityById.id.slice(7, 19)}… · acme$`));
    expect(await tile('alerts').textContent()).toContain('ConductorPurgeFailures (critical), tenant acme');
    const purge = tile('purges').locator('tbody tr').first();
    expect(await purge.textContent()).toContain(`operation EntityById ${entityById.id.slice(7, 19)}…`);
    expect(await purge.locator('code').getAttribute('title')).toBe(entityById.id);
    expect(await tile('caching').locator('[data-metric="caching"]').textContent()).toBe('Caching on');
    // No export exists here: "0 awaiting review" is an answer, so the exports tile is ok too.
    expect(await tile('exports').locator('[data-metric="exports-pending"]').textContent()).toBe('0 awaiting review');
    expect(await page.locator('section[data-tile]').evaluateAll((ss) => ss.map((s) => s.getAttribute('data-state')))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    await screenshot(page, '02-overview-tiles');

    for (const [link, path] of [
      ['Hit ratio over time', '/admin/reports'],
      ['p95 delta report', '/admin/reports'],
      ['All alerts', '/admin/reports'],
      ['Purge history', '/admin/purges'],
      ['Emergency controls', '/admin/controls'],
      ['Export review queue', '/admin/exports'],
    ] as const) {
      await page.goto(`${base}/admin`);
      await page.getByRole('main').getByRole('link', { name: link, exact: true }).click();
      await expect.poll(() => new URL(page.url()).pathname, { message: link }).toBe(path);
    }
  });

  it('is keyboard operable: the skip link is the first stop and moves focus to the main content', async () => {
    await page.goto(`${base}/admin`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  it('renders every page in the navigation', async () => {
    await page.goto(`${base}/admin`);
    const links = await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link').evaluateAll((as) => as.map((a) => [a.textContent, (a as HTMLAnchorElement).href]));
    expect(links.map(([label]) => label)).toEqual(
      expect.arrayContaining(['Overview', 'Catalog', 'What-if', 'Reports', 'TTL tuning', 'Safelist', 'Invalidation map', 'Purges', 'Exports', 'Emergency controls']),
    );
    for (const [label, href] of links) {
      const res = await page.goto(href!);
      expect(res?.status(), label!).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).count(), label!).toBe(1);
      // Every visible form control has an accessible name, every landmark is there once.
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
          .filter((el) => !((el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || (el.tagName === 'BUTTON' && el.textContent?.trim())))
          .map((el) => el.outerHTML),
      );
      expect(unlabelled, label!).toEqual([]);
      expect(await page.locator('header.banner, nav.site-nav, main#main, footer.site-footer').count(), label!).toBe(4);
      await screenshot(page, `page-${label!.toLowerCase().replace(/[^a-z]+/g, '-')}`);
    }
  });

  it('passes an axe-core scan (WCAG 2.1 A and AA) on every admin page', async () => {
    // Every page listed in PAGES, found by following the UI's own links from the overview, so a page a later change adds is
    // scanned without touching this test (and one no link reaches fails it).
    const patterns = PAGES.map((p) => ({ path: p.path, re: new RegExp(`^/admin${p.path === '/' ? '' : p.path.replace(/:[^/]+/g, '[^/]+')}/?$`) }));
    const scanned = new Map<string, string>();
    const findings: (AxeFinding & { url: string })[] = [];
    const queue = [`${base}/admin`];
    const seen = new Set<string>();
    while (queue.length > 0 && seen.size < 500) {
      const url = queue.shift()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const pattern = patterns.find((p) => p.re.test(new URL(url).pathname));
      if (!pattern || scanned.has(pattern.path)) continue;
      const res = await page.goto(url);
      expect(res?.status(), url).toBe(200);
      scanned.set(pattern.path, url);
      for (const f of await axeViolations(page)) findings.push({ ...f, url });
      const links = await page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const href of links) {
        const next = new URL(href);
        next.hash = '';
        if (next.origin === new URL(base).origin && next.pathname.startsWith('/admin')) queue.push(next.toString());
      }
    }
    expect(PAGES.map((p) => p.path).filter((p) => !scanned.has(p)), 'pages no link reaches').toEqual([]);
    expect(findings).toEqual([]);
  });

  it('edits a catalog operation', async () => {
    await page.goto(`${base}/admin/catalog`);
    await page.getByRole('link', { name: 'Edit Entity by id' }).click();
    await page.waitForURL(`${base}/admin/catalog/ops/entity-by-id`);
    await page.getByLabel('p95 target (ms)').fill('135');
    await page.getByLabel('Unit cost (USD per request)').fill('0.000015');
    await screenshot(page, '03-catalog-edit');
    await page.getByRole('button', { name: 'Save operation' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Saved Entity by id');
    const op = await api('/v1/catalog/ops/entity-by-id');
    expect(op.p95TargetMs).toBe(135);
    expect(op.unitCostUSD).toBe('0.000015');
    expect(await page.getByLabel('p95 target (ms)').inputValue()).toBe('135');
  });

  it('runs a what-if and updates the chart live as a slider moves', async () => {
    await page.goto(`${base}/admin/what-if?op=entity-by-id`);
    const latency = page.locator('#chart-latency svg[role="img"]');
    expect(await latency.locator('g.series').count()).toBe(4);
    expect(await page.locator('#chart-cost svg[role="img"] polyline').count()).toBe(1);
    const before = await page.locator('#whatif-results td[data-metric="lambda"]').textContent();
    const markerBefore = await latency.locator('line.marker').getAttribute('x1');

    // Keyboard on the range slider: each ArrowRight adds one step (sized to the sweep's range); the results re-render in place.
    const slider = page.getByLabel('Load factor (× baseline arrival rate) (slider)');
    const target = String(Number((1 + 10 * Number(await slider.getAttribute('step'))).toFixed(6)));
    await slider.focus();
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
    expect(await page.getByLabel('Load factor (× baseline arrival rate)', { exact: true }).inputValue()).toBe(target);
    await expect.poll(() => page.locator('#estimate-heading').textContent()).toContain(`at load ×${target}`);
    expect(await latency.locator('line.marker').getAttribute('x1')).not.toBe(markerBefore);
    const after = await page.locator('#whatif-results td[data-metric="lambda"]').textContent();
    expect(parseFloat(after!) / parseFloat(before!)).toBeCloseTo(Number(target), 0);
    expect(new URL(page.url()).searchParams.get('loadFactor')).toBe(target);
    await screenshot(page, '04-what-if');
  });

  it('sweeps the what-if past the load where the origin saturates, marks it, and prices hits at their observed latency', async () => {
    await page.goto(`${base}/admin/what-if?op=entity-by-id`);
    const mark = page.locator('#chart-latency g.x-mark');
    expect(await mark.count()).toBe(1);
    expect(await mark.locator('text').textContent()).toBe('saturation (ρ = 1)');
    const note = page.locator('[data-saturates-at]');
    expect(await note.textContent()).toMatch(/^The origin saturates \(ρ = 1\) from load ×\d+/);
    // Three in four requests are HITs of 2–6 ms (mean 4): the median request is a hit, not free.
    expect(await page.locator('#whatif-results td[data-metric="p50"]').textContent()).toBe('4.0 ms');
    expect(await page.getByRole('row', { name: /hitLatencyMs/ }).textContent()).toBe('hitLatencyMs4observed');
    await screenshot(page, '04b-what-if-saturation');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the sweep as CSV' }).click()]);
    const [header, ...rows] = (await readFile((await download.path())!, 'utf8')).trim().split(/\r?\n/).map((l) => l.split(','));
    const col = (name: string) => header!.indexOf(name);
    const points = rows.map((r) => ({ factor: Number(r[col('load_factor')]), rho: Number(r[col('rho')]), saturated: r[col('saturated')] === 'true' }));
    expect(Math.max(...points.filter((p) => !p.saturated).map((p) => p.rho))).toBeGreaterThanOrEqual(0.95);
    expect(points.some((p) => p.saturated)).toBe(true);
    // The old fixed range stopped at ×50, where this op's origin is still nearly idle.
    expect(Math.max(...points.map((p) => p.factor))).toBeGreaterThan(50);
    expect(Number(await note.getAttribute('data-saturates-at'))).toBeGreaterThan(50);
  });

  it('runs a what-if without JavaScript: the form posts and the server draws the chart', async () => {
    const noJs = await launchBrowser({ javaScriptEnabled: false });
    try {
      await noJs.context.addCookies((await browser.context.cookies(`${base}/admin`)).filter((c) => c.name === 'conductor_admin_session'));
      await noJs.page.goto(`${base}/admin/what-if?op=entities`);
      await noJs.page.getByLabel('Origin instances', { exact: true }).fill('4');
      await noJs.page.getByRole('button', { name: 'Calculate' }).click();
      await noJs.page.waitForURL(/instances=4/);
      expect(await noJs.page.getByLabel('Origin instances', { exact: true }).inputValue()).toBe('4');
      expect(await noJs.page.locator('#chart-latency polyline').count()).toBeGreaterThanOrEqual(2);
      expect(await noJs.page.getByRole('row', { name: /instances/ }).textContent()).toContain('override');
      await screenshot(noJs.page, '05-what-if-no-js');
    } finally {
      await noJs.close();
    }
  });

  it('exports the catalog as CSV', async () => {
    await page.goto(`${base}/admin/catalog`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('catalog.csv');
    const csv = await readFile((await download.path())!, 'utf8');
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    expect(header!.split(',').slice(0, 3)).toEqual(['op_id', 'op_name', 'service']);
    const row = rows.find((r) => r.startsWith('entity-by-id,'));
    expect(row).toContain('0.000015');
    expect(rows.length).toBe(((await api('/v1/catalog/ops')).ops as unknown[]).length);
  });

  it('shows the reports with charts and a matching CSV', async () => {
    await page.goto(`${base}/admin/reports?scope=tenant`);
    expect(await page.locator('#chart-p95 g.group').count()).toBe(1);
    expect(await page.locator('#chart-p95 g.group').getAttribute('data-label')).toBe('acme · EntityById');
    expect(await page.locator('#chart-hit-ratio polyline').count()).toBe(1);
    expect(await page.locator('#chart-invalidations g.series').getAttribute('data-name')).toBe('acme');
    const row = page.getByRole('row', { name: /EntityById/ });
    expect(await row.textContent()).toContain('75.0 %');
    const alert = page.getByRole('row', { name: /ConductorPurgeFailures/ });
    expect(await alert.textContent()).toContain('firing');
    expect(await alert.textContent()).toContain('acme');
    await screenshot(page, '06-reports');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#p95-heading ~ p a', { hasText: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('p95-delta.csv');
    const lines = (await readFile((await download.path())!, 'utf8')).trim().split(/\r?\n/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('acme');
    expect(lines[1]).toContain('EntityById');
    expect(lines[1]).toContain('1200');
  });

  it('labels the invalidations chart with whole numbers', async () => {
    await page.goto(`${base}/admin/reports?scope=tenant`);
    // One purge receipt in the window: the axis reads 0, 1 (it used to read "0, 0, 1, 1, 1").
    expect(await page.locator('#chart-invalidations text.y-tick').allTextContents()).toEqual(['0', '1']);
    await screenshot(page, '06b-invalidations');
  });

  it('switches tenant for a multi-tenant admin', async () => {
    await page.goto(`${base}/admin/purges`);
    await page.getByLabel('Tenant', { exact: true }).selectOption('globex');
    await page.getByRole('button', { name: 'Switch' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Purges · globex');
    expect(await page.getByRole('status').first().textContent()).toContain('Now working in tenant globex');
    await screenshot(page, '07-tenant-switched');
  });

  it('signs in with a pasted tenant-admin token, which is refused a platform write with a clear message', async () => {
    await signOut();
    await page.getByLabel('Access token (JWT)').fill(tenantAdminToken);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.waitForURL(`${base}/admin`);
    expect(await page.getByText('user:admin@acme').first().isVisible()).toBe(true);

    await page.goto(`${base}/admin/catalog/ops/entity-by-id`);
    await page.getByLabel('p95 target (ms)').fill('140');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/admin/catalog/ops/entity-by-id')),
      page.getByRole('button', { name: 'Save operation' }).click(),
    ]);
    expect(response.status()).toBe(403);
    const alert = page.getByRole('alert');
    expect(await alert.textContent()).toContain('You are not allowed to change the service catalog.');
    expect(await alert.textContent()).toContain('requires role platform-admin');
    // What the user typed is kept; nothing changed behind it.
    expect(await page.getByLabel('p95 target (ms)').inputValue()).toBe('140');
    expect((await api('/v1/catalog/ops/entity-by-id')).p95TargetMs).toBe(135);
    await screenshot(page, '08-forbidden');
  });

  it('signs out and a stale token is refused', async () => {
    await signOut();
    expect(await page.getByRole('status').textContent()).toContain('You are signed out.');
    await page.goto(`${base}/admin/catalog`);
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await page.getByLabel('Access token (JWT)').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('That token was not accepted');
  });
});
