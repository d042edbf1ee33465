/** @jsxImportSource hono/jsx */
import type { ExportStatus, ExportSummary } from '@conductor/schema/contracts/exports';
import { query } from '../api.ts';
import { ok, refused, type Tile } from './tile.tsx';

/** The selected tenant's exports by status: how many wait for a reviewer, and how many builds failed. */
export const exportsTile: Tile = {
  id: 'exports',
  title: (ctx) => `Exports · ${ctx.tenant}`,
  href: '/admin/exports',
  link: 'Export review queue',
  async render(ctx) {
    const res = await ctx.api.get<{ exports: ExportSummary[] }>(`/v1/exports${query({ tenant: ctx.tenant })}`);
    if (!res.ok) return refused(res, `the exports of tenant ${ctx.tenant}`);
    const count = (status: ExportStatus) => res.data.exports.filter((e) => e.status === status).length;
    const pending = count('pending_review');
    const failed = count('failed');
    const building = count('building');
    // Zero waiting is an answer, not missing data: the tile is `ok` either way.
    return ok(
      <>
        <p class="figure" data-metric="exports-pending">
          {pending} awaiting review
        </p>
        <p class="detail">
          <span class={failed > 0 ? 'status-off' : ''} data-metric="exports-failed">
            {failed} failed {failed === 1 ? 'build' : 'builds'}
          </span>
          , {building} building, {res.data.exports.length} in all.
        </p>
      </>,
    );
  },
};
