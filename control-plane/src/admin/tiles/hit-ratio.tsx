/** @jsxImportSource hono/jsx */
import { percent } from '../pages/util.ts';
import { recentP95Report, RECENT_MINUTES } from './recent.ts';
import { empty, ok, refused, type Tile } from './tile.tsx';

/** Share of requests the edge answered from cache in the recent window, over every operation and tenant the user may read. */
export const hitRatioTile: Tile = {
  id: 'hit-ratio',
  title: 'Edge hit ratio, last hour',
  href: '/admin/reports?scope=all&window=60',
  link: 'Hit ratio over time',
  async render(ctx) {
    const res = await recentP95Report(ctx.api);
    if (!res.ok) return refused(res, 'edge traffic reports');
    const rows = res.data.rows.filter((r) => r.requests > 0 && r.hitRatio !== null);
    const requests = rows.reduce((n, r) => n + r.requests, 0);
    if (requests === 0) return empty(`No data yet: the edge has reported no traffic in the last ${RECENT_MINUTES} minutes.`);
    // Weighted by requests, each row's ratio as the report defines it (docs/reports.md).
    const served = rows.reduce((n, r) => n + r.hitRatio! * r.requests, 0);
    const tenants = new Set(rows.map((r) => r.tenant)).size;
    return ok(
      <>
        <p class="figure" data-metric="hit-ratio">
          {percent(served / requests)}
        </p>
        <p class="detail">
          of {requests.toLocaleString('en')} requests, {rows.length} operation{rows.length === 1 ? '' : 's'} in {tenants} tenant{tenants === 1 ? '' : 's'}
        </p>
      </>,
    );
  },
};
