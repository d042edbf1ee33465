import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevSecrets } from '@conductor/schema/auth/dev-keys';
import { mintToken } from '@conductor/schema/auth/tokens';
import { series } from '@conductor/control-plane/testing/metrics';
import { startTestControlPlane, type TestControlPlane } from '@conductor/control-plane/testing/control-plane';
import { launchBrowser, screenshot, type Browser } from './browser.ts';

/**
 * The admin UI in a real browser (Debian chromium through playwright-core) against a real,
 * seeded control plane on loopback: sign-in, editing, the what-if chart, exports, a forbidden
 * action. Each page is saved as a screenshot under test-artifacts/screenshots/.
 */
describe('admin UI in chromium', { timeout: 120_000 }, () => {
  let t: TestControlPlane;
  let browser: Browser;
  let page: Page;
  let base: string;
  let platformToken: string;
  let tenantAdminToken: string;

  beforeAll(async () => {
    t = await startTestControlPlane();
    base = t.cp.url;
    const { privateJwk } = await ensureDevSecrets(t.dataDir);
    platformToken = await mintToken(privateJwk, { tenant: 'conductor', sub: 'user:root', roles: ['platform-admin'], scopes: ['admin.write'] });
    tenantAdminToken = await mintToken(privateJwk, { tenant: 'acme', sub: 'user:admin@acme', scopes: ['admin.write'] });
    // Edge traffic for the reports, pushed the way the edge pushes it (its service token, the metrics API).
    const edgeToken = await mintToken(privateJwk, { tenant: 'conductor', sub: 'service:edge', roles: ['edge'], scopes: ['edge.config', 'edge.metrics'] });
    const entityById = ((await api('/v1/safelist')).operations as { id: string; name: string }[]).find((o) => o.name === 'EntityById')!;
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
      expect.arrayContaining(['Overview', 'Catalog', 'What-if', 'Reports', 'TTL tuning', 'Safelist', 'Invalidation map', 'Purges', 'Emergency controls']),
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

    // Keyboard on the range slider: each ArrowRight adds one step (0.05); the results re-render in place.
    await page.getByLabel('Load factor (× baseline arrival rate) (slider)').focus();
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
    expect(await page.getByLabel('Load factor (× baseline arrival rate)', { exact: true }).inputValue()).toBe('1.5');
    await expect.poll(() => page.locator('#estimate-heading').textContent()).toContain('at load ×1.5');
    expect(await latency.locator('line.marker').getAttribute('x1')).not.toBe(markerBefore);
    const after = await page.locator('#whatif-results td[data-metric="lambda"]').textContent();
    expect(parseFloat(after!)).toBeCloseTo(parseFloat(before!) * 1.5, 1);
    expect(new URL(page.url()).searchParams.get('loadFactor')).toBe('1.5');
    await screenshot(page, '04-what-if');
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
