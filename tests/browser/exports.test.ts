import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDocument } from '@conductor/example-origin/corpus';
import { startOrigin, type RunningOrigin } from '@conductor/example-origin/server';
import { ensureDevSecrets } from '@conductor/schema/auth/dev-keys';
import { mintToken } from '@conductor/schema/auth/tokens';
import type { ExportDetail } from '@conductor/schema/contracts/export-review';
import type { ExportSummary } from '@conductor/schema/contracts/exports';
import { startTestControlPlane, type TestControlPlane } from '@conductor/control-plane/testing/control-plane';
import { axeViolations } from './axe.ts';
import { launchBrowser, screenshot, type Browser } from './browser.ts';

/**
 * The export review queue (/admin/exports) in a real browser, against a control plane that builds
 * real exports: the example origin serves the tenant's documents, the build job summarises, scans,
 * chunks, signs and publishes them. Reviewers sign in with pasted tokens, so each refusal shown is
 * Cedar's, through the same API any client calls.
 */
describe('admin export review queue in chromium', { timeout: 180_000 }, () => {
  let t: TestControlPlane;
  let origin: RunningOrigin | undefined;
  let browser: Browser;
  let page: Page;
  let base: string;
  const tokens: Record<'requester' | 'reviewer' | 'lowClearance', string> = { requester: '', reviewer: '', lowClearance: '' };
  let toApprove: string;
  let toReject: string;

  const api = async <T>(path: string, token = tokens.reviewer, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const summary = async (id: string) => (await api<ExportSummary>(`/v1/exports/${id}`)).body;

  async function requestExport(redact: boolean): Promise<string> {
    const res = await api<{ exportId: string; status: string }>('/v1/exports', tokens.requester, {
      method: 'POST',
      body: JSON.stringify({ tenant: 'acme', kind: 'extractive-summary', license: 'Restricted-TOS', purpose: ['investigation'], redact, maxDocuments: 12 }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.exportId;
  }

  beforeAll(async () => {
    // The build reads the origin when it runs; the origin verifies the build's tokens against this control plane's JWKS.
    t = await startTestControlPlane({ originUrl: () => origin!.url, schedulerTickMs: 3_600_000 });
    base = t.cp.url;
    origin = await startOrigin({ port: 0, jwksUrl: `${base}/.well-known/jwks.json`, edgeUrl: 'http://127.0.0.1:9', purgeSecret: 'unused', latencyMs: 0, log: () => {} });
    const { privateJwk } = await ensureDevSecrets(t.dataDir);
    // The requester may review too, so the only rule their own approval meets is "not the requester".
    tokens.requester = await mintToken(privateJwk, { tenant: 'acme', sub: 'user:requester@acme', scopes: ['export.create', 'export.review'], purposes: ['investigation'], clearance: 4 });
    tokens.reviewer = await mintToken(privateJwk, { tenant: 'acme', sub: 'user:reviewer@acme', scopes: ['export.review'], clearance: 4 });
    tokens.lowClearance = await mintToken(privateJwk, { tenant: 'acme', sub: 'user:analyst@acme', scopes: ['export.review'], clearance: 3 });

    toApprove = await requestExport(false);
    toReject = await requestExport(true);
    // The timer ticked once at start and waits an hour now: runNow is the build. A run that finds
    // the job leased by that start tick does nothing, so run until both are published.
    for (let i = 0; i < 120; i++) {
      const statuses = await Promise.all([toApprove, toReject].map(async (id) => (await summary(id)).status));
      if (statuses.every((s) => s !== 'building')) break;
      await t.cp.scheduler.runNow('exports.build');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await summary(toApprove)).status).toBe('pending_review');
    expect((await summary(toReject)).status).toBe('pending_review');
    browser = await launchBrowser();
    page = browser.page;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await origin?.close();
    await t?.stop();
  });

  async function signInAs(token: string, path = '/admin/exports') {
    if (new URL(page.url()).pathname.startsWith('/admin') && (await page.getByRole('button', { name: 'Sign out' }).count()) > 0) {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${base}/admin/sign-in`);
    }
    await page.goto(`${base}${path}`);
    await page.getByLabel('Access token (JWT)').fill(token);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.waitForURL(`${base}${path}`);
  }

  const queueRow = (id: string) => page.locator('#review-queue tbody tr', { has: page.locator(`a[href$="export=${id}"]`) });
  const field = (name: string) => page.locator(`dd[data-field="${name}"]`);

  it('lists the pending exports with their proofs, PII result, size and chunk count', async () => {
    await signInAs(tokens.reviewer);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Exports · acme');
    for (const id of [toApprove, toReject]) {
      const exp = await summary(id);
      const cells = await queueRow(id).locator('td').allTextContents();
      expect(cells).toEqual([
        'user:requester@acme',
        exp.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
        'Restricted-TOS',
        'investigation',
        'none found',
        `${exp.totalSize!.toLocaleString('en-US')} bytes (${(exp.totalSize! / 1024).toFixed(1)} KiB)`,
        String(exp.chunkCount),
      ]);
      expect(exp.chunkCount).toBeGreaterThanOrEqual(1);
    }
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'exports-queue');
  });

  it('counts the exports awaiting review on the overview, linking to the queue', async () => {
    await page.goto(`${base}/admin`);
    const tile = page.locator('section[data-tile="exports"]');
    expect(await tile.getAttribute('data-state')).toBe('ok');
    expect(await tile.locator('[data-metric="exports-pending"]').textContent()).toBe('2 awaiting review');
    expect(await tile.locator('[data-metric="exports-failed"]').textContent()).toBe('0 failed builds');
    await screenshot(page, 'exports-overview-tile');
    await tile.getByRole('link', { name: 'Export review queue' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/admin/exports');
  });

  it('shows one export: its PII report by type and action, and sample lines whose provenance holds against the source', async () => {
    await page.getByRole('link', { name: `Review export ${toApprove}` }).click();
    await page.waitForURL(`${base}/admin/exports?export=${toApprove}`);
    expect(await field('status').textContent()).toBe('pending_review');
    expect(await field('license').textContent()).toBe('Restricted-TOS');
    expect(await field('purpose').textContent()).toBe('investigation');
    expect(await field('pii').textContent()).toBe('none found');

    // The report as the build stored it: every type, with what was dropped; this export drops, never redacts.
    const { body: detail } = await api<ExportDetail>(`/v1/exports/${toApprove}/detail`);
    const report = detail.piiReport!;
    const rows = await page.locator('#pii-report tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(rows).toEqual(Object.entries(report.findings).map(([type, n]) => [type, String(n.dropped), String(n.redacted)]));
    expect(report.sentences.dropped).toBeGreaterThan(0);
    expect(rows.every(([, , redacted]) => redacted === '0')).toBe(true);

    const lines = await page.locator('#sample-lines tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ docId: tr.getAttribute('data-doc-id')!, start: Number(tr.getAttribute('data-start')), end: Number(tr.getAttribute('data-end')), text: tr.children[1]!.textContent! })),
    );
    expect(lines).toHaveLength(10);
    for (const line of lines) {
      const doc = generateDocument('acme', Number(line.docId.replace(/^doc-/, '')));
      expect(doc.id).toBe(line.docId);
      expect(doc.body.slice(line.start, line.end), line.docId).toBe(line.text);
      for (const planted of doc.planted) expect(line.text).not.toContain(planted.value);
    }
    expect(await page.locator('#sample-lines tbody tr').first().locator('td').nth(3).textContent()).toBe(`${lines[0]!.start}–${lines[0]!.end}`);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'exports-review');
  });

  it('refuses a reviewer with clearance 3, with the control plane’s reason, and changes nothing', async () => {
    await signInAs(tokens.lowClearance, `/admin/exports?export=${toApprove}`);
    await page.getByLabel('Reason').fill('Looks fine to me.');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/admin/exports')),
      page.getByRole('button', { name: 'Approve' }).click(),
    ]);
    expect(response.status()).toBe(403);
    const alert = page.getByRole('alert').first();
    expect(await alert.textContent()).toContain('You are not allowed to approve this export.');
    expect(await alert.textContent()).toContain('clearance 4 or more');
    // What they typed is kept; nothing changed behind it.
    expect(await page.getByLabel('Reason').inputValue()).toBe('Looks fine to me.');
    expect((await summary(toApprove)).status).toBe('pending_review');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'exports-refused-clearance');
  });

  it('refuses the requester their own export', async () => {
    await signInAs(tokens.requester, `/admin/exports?export=${toApprove}`);
    await page.getByLabel('Reason').fill('I checked it myself.');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/admin/exports')),
      page.getByRole('button', { name: 'Approve' }).click(),
    ]);
    expect(response.status()).toBe(403);
    const alert = page.getByRole('alert').first();
    expect(await alert.textContent()).toContain('You are not allowed to approve this export.');
    expect(await alert.textContent()).toContain('a reviewer other than the requester');
    expect((await summary(toApprove)).status).toBe('pending_review');
  });

  it('approves with a reason as a reviewer with clearance 4: the status changes and the reason is shown', async () => {
    await signInAs(tokens.reviewer, `/admin/exports?export=${toApprove}`);
    await page.getByLabel('Reason').fill('Sampled ten lines; provenance checks out, no PII.');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe(`Export ${toApprove} is now approved.`);
    expect(await field('status').textContent()).toBe('approved');
    expect(await field('reviewed-by').textContent()).toMatch(/^user:reviewer@acme at \d{4}-\d\d-\d\d /);
    expect(await field('reason').textContent()).toBe('Sampled ten lines; provenance checks out, no PII.');
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    const exp = await summary(toApprove);
    expect(exp).toMatchObject({ status: 'approved', reviewedBy: 'user:reviewer@acme', reviewReason: 'Sampled ten lines; provenance checks out, no PII.' });
  });

  it('rejects with a reason: the export leaves the queue and its lines are gone', async () => {
    await page.goto(`${base}/admin/exports`);
    await page.getByRole('link', { name: `Review export ${toReject}` }).click();
    // This one was asked to redact: its findings are counted as redacted, none as dropped.
    const report = (await api<ExportDetail>(`/v1/exports/${toReject}/detail`)).body.piiReport!;
    const rows = await page.locator('#pii-report tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(rows).toEqual(Object.entries(report.findings).map(([type, n]) => [type, '0', String(n.redacted)]));
    expect(report.sentences.redacted).toBeGreaterThan(0);
    await page.getByLabel('Reason').fill('Redacted lines are not wanted in this corpus.');
    await page.getByRole('button', { name: 'Reject' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe(`Export ${toReject} is now rejected.`);
    expect(await field('status').textContent()).toBe('rejected');
    expect(await page.getByText('No lines to show: a rejected export’s chunks are deleted.').isVisible()).toBe(true);
    expect((await summary(toReject)).status).toBe('rejected');
    await page.goto(`${base}/admin/exports`);
    expect(await page.getByText('No export of this tenant is waiting for review.').isVisible()).toBe(true);
    const statuses = await page.locator('#all-exports tbody tr').evaluateAll((trs) => Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-export-id'), tr.children[1]!.textContent])));
    expect(statuses).toEqual({ [toApprove]: 'approved', [toReject]: 'rejected' });
  });

  it("shows an export's history: requested, published, reviewed and downloaded, with who did each", async () => {
    const download = await fetch(`${base}/v1/exports/${toApprove}/download`, { headers: { authorization: `Bearer ${tokens.requester}` } });
    expect(download.status).toBe(200);
    await download.arrayBuffer();
    await page.goto(`${base}/admin/exports?export=${toApprove}`);
    const entries = await page.locator('#export-history tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-action'), tr.children[2]!.textContent]));
    expect(entries).toEqual([
      ['export.create', 'user:requester@acme'],
      ['export.publish', 'automation:export-builder'],
      ['export.approve', 'user:reviewer@acme'],
      ['export.download', 'user:requester@acme'],
    ]);
    expect(await page.locator('#export-history tr[data-action="export.approve"]').textContent()).toContain('Sampled ten lines; provenance checks out, no PII.');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'exports-history');
  });

  it('counts none awaiting review on the overview once both are decided', async () => {
    await page.goto(`${base}/admin`);
    expect(await page.locator('section[data-tile="exports"] [data-metric="exports-pending"]').textContent()).toBe('0 awaiting review');
  });
});
