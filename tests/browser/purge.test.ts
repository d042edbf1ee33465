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
});
