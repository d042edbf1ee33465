/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { sharingGets } from '../api.ts';
import type { Page, PageContext } from '../page.ts';
import { TILES } from '../tiles/index.ts';
import type { Tile, TileContent } from '../tiles/tile.tsx';

async function load(tile: Tile, ctx: PageContext): Promise<TileContent> {
  try {
    return await tile.render(ctx);
  } catch (err) {
    // One broken tile must not take the operator's first page down with it.
    return { state: 'error', body: <p class="tile-note">Could not load this tile: {err instanceof Error ? err.message : String(err)}</p> };
  }
}

/** The tiles, loaded side by side; reads of the same API path are made once per view. */
export async function renderTiles(ctx: PageContext, tiles: readonly Tile[]): Promise<Child> {
  const shared: PageContext = { ...ctx, api: sharingGets(ctx.api) };
  const contents = await Promise.all(tiles.map((t) => load(t, shared)));
  return (
    <div class="tiles">
      {tiles.map((t, i) => {
        const heading = `tile-${t.id}-heading`;
        return (
          <section class="tile" id={`tile-${t.id}`} data-tile={t.id} data-state={contents[i]!.state} aria-labelledby={heading}>
            <h2 id={heading}>{typeof t.title === 'function' ? t.title(ctx) : t.title}</h2>
            {contents[i]!.body}
            <p class="tile-link">
              <a href={t.href}>{t.link}</a>
            </p>
          </section>
        );
      })}
    </div>
  );
}

/** The page an operator opens first: the state of the cache at a glance, each tile linking to its page. */
export const overviewPage: Page = {
  path: '/',
  title: 'Overview',
  nav: 'Overview',
  async render(ctx) {
    const { claims } = ctx;
    return (
      <>
        {await renderTiles(ctx, TILES)}
        <details class="access">
          <summary>Your access</summary>
          <dl>
            <dt>Subject</dt>
            <dd>{claims.sub}</dd>
            <dt>Home tenant</dt>
            <dd>{claims.tenant}</dd>
            <dt>Working in tenant</dt>
            <dd>{ctx.tenant}</dd>
            <dt>Further tenants</dt>
            <dd>{claims.tenants.length ? claims.tenants.join(', ') : 'none'}</dd>
            <dt>Roles</dt>
            <dd>{claims.roles.length ? claims.roles.join(', ') : 'none'}</dd>
            <dt>Scopes</dt>
            <dd>{claims.scopes.length ? claims.scopes.join(', ') : 'none'}</dd>
          </dl>
        </details>
      </>
    );
  },
};
