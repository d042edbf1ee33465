import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgePost } from '../support/http.ts';
import { OPS } from '../support/operations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { launchBrowser, screenshot, type Browser } from './browser.ts';

/**
 * Purges from the admin UI against the whole stack (control plane, origin, edge in workerd): the
 * form posts to the control plane, which signs and forwards to the edge, and the edge's next read
 * is a MISS. Without an edge these pages can only show the failure (control-plane/src/admin tests).
 */
describe('admin UI purges in chromium, full stack', { timeout: 120_000 }, () => {
  let stack: TestStack;
  let browser: Browser;
  let page: Page;
  let acme: string;

  beforeAll(async () => {
    stack = await startTestStack();
    acme = await stack.token({ tenant: 'acme', sub: 'user:reader@acme' });
    browser = await launchBrowser();
    page = browser.page;
    await page.goto(`${stack.controlPlaneUrl}/admin/controls`);
    await page.getByRole('button', { name: 'Sign in as development platform admin' }).click();
    await page.waitForURL(`${stack.controlPlaneUrl}/admin/controls`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const read = (id: string) => edgePost(stack, acme, { documentId: OPS.EntityById.documentId, variables: { id } });

  it('purges everything in the selected tenant: the edge answers a receipt and the next read misses', async () => {
    expect((await read('7')).cache).toBe('MISS');
    expect((await read('7')).cache).toBe('HIT');
    expect(await page.getByRole('heading', { name: 'Purge everything in tenant acme' }).isVisible()).toBe(true);
    await page.getByLabel(/I understand that every cached response of tenant acme/).check();
    await page.getByRole('button', { name: 'Purge all of acme' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/^Purged everything in tenant acme \(purge cp-/);
    expect((await read('7')).cache).toBe('MISS');
  });

  it('purges one operation from the purge page and lists it as applied', async () => {
    expect((await read('8')).cache).toBe('MISS');
    expect((await read('8')).cache).toBe('HIT');
    await page.getByRole('link', { name: 'Purges' }).click();
    await page.getByLabel('What to purge').selectOption('op');
    await page.getByLabel('Operation id, or mutation name').fill(OPS.EntityById.documentId);
    await page.getByRole('button', { name: 'Purge', exact: true }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/^Purged 1 tag\(s\) in tenant acme/);
    expect((await read('8')).cache).toBe('MISS');
    const history = page.getByRole('table').getByRole('row');
    // The operation's name stands beside its (shortened) id; the full id is the title.
    expect(await history.nth(1).textContent()).toContain(`operation EntityById ${OPS.EntityById.documentId.slice(7, 19)}…`);
    expect(await history.nth(1).locator('code[title]').getAttribute('title')).toBe(OPS.EntityById.documentId);
    expect(await history.nth(1).textContent()).toContain('applied');
    expect(await history.nth(2).textContent()).toContain('everything');
    await screenshot(page, 'purges-full-stack');
  });

  const list = () => edgePost(stack, acme, { documentId: OPS.Entities.documentId, variables: { limit: 2 } });

  it('previews a mutation purge: the tags, operations and live entries, with nothing purged; then purges it', async () => {
    expect((await read('9')).cache).toBe('MISS');
    expect((await read('9')).cache).toBe('HIT');
    expect((await list()).cache).toBe('MISS');
    await page.getByRole('link', { name: 'Purges' }).click();
    await page.getByLabel('What to purge').selectOption('mutation');
    await page.getByLabel('Operation id, or mutation name').fill('updateEntity');
    await page.getByLabel('Mutation variables (JSON)').fill('{"id":"9","name":"previewed"}');
    const preview = page.getByRole('region', { name: 'Preview: nothing was purged' });
    // The edge reports fills off the response path; preview again until both are counted.
    await expect
      .poll(async () => {
        await page.getByRole('button', { name: 'Preview', exact: true }).click();
        return preview.getByRole('paragraph').first().textContent();
      })
      .toMatch(/Purging this would bump 2 tag\(s\) and make 2 live cache entries of tenant acme unreachable/);
    const rows = preview.getByRole('table', { name: 'Operations the purge would reach' }).getByRole('row');
    expect(await rows.nth(1).textContent()).toBe(`Entities${OPS.Entities.documentId}1`);
    expect(await rows.nth(2).textContent()).toBe(`EntityById${OPS.EntityById.documentId}1`);
    expect(await preview.getByRole('listitem').allTextContents()).toEqual(
      expect.arrayContaining([`op:${OPS.EntityById.documentId}|id="9" at generation 0`]),
    );
    await screenshot(page, 'purges-preview');
    // Nothing was purged: still HITs, and the form kept what was typed, ready to purge for real.
    expect((await read('9')).cache).toBe('HIT');
    expect((await list()).cache).toBe('HIT');
    expect(await page.getByLabel('Operation id, or mutation name').inputValue()).toBe('updateEntity');
    await page.getByRole('button', { name: 'Purge', exact: true }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/^Purged 2 tag\(s\) in tenant acme/);
    expect((await read('9')).cache).toBe('MISS');
    expect((await list()).cache).toBe('MISS');
  });

  it('a preview of a mutation the invalidation map does not cover says so and links to the map', async () => {
    await page.getByLabel('What to purge').selectOption('mutation');
    await page.getByLabel('Operation id, or mutation name').fill('archiveEntity');
    await page.getByLabel('Mutation variables (JSON)').fill('{"id":"9"}');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const notice = page.getByRole('region', { name: 'Preview: mutation archiveEntity is not covered by the invalidation map' });
    expect(await notice.textContent()).toContain('It purges nothing');
    expect(await notice.getByRole('link', { name: 'invalidation map' }).getAttribute('href')).toBe('/admin/invalidation-map');
    await screenshot(page, 'purges-preview-not-covered');
  });
});
