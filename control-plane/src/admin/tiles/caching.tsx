/** @jsxImportSource hono/jsx */
import type { CacheControls } from '@conductor/schema/contracts/cache-admin';
import { ok, refused, type Tile } from './tile.tsx';

/** The emergency caching switches: global, and which operations are switched off. */
export const cachingTile: Tile = {
  id: 'caching',
  title: 'Caching switches',
  href: '/admin/controls',
  link: 'Emergency controls',
  async render(ctx) {
    const res = await ctx.api.get<CacheControls>('/v1/cache/controls');
    if (!res.ok) return refused(res, 'the caching switches');
    const off = res.data.operations.filter((o) => !o.cachingEnabled).map((o) => o.name);
    return ok(
      <>
        <p class="figure" data-metric="caching">
          {res.data.cachingEnabled ? <span class="status-on">Caching on</span> : <span class="status-off">Caching off everywhere</span>}
        </p>
        <p class="detail">
          {off.length === 0
            ? `All ${res.data.operations.length} safelisted operations may cache.`
            : `Switched off for ${off.length} of ${res.data.operations.length} operations: ${off.join(', ')}.`}
        </p>
      </>,
    );
  },
};
