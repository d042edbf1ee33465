/** @jsxImportSource hono/jsx */
import type { CacheControls } from '@conductor/schema/contracts/cache-admin';
import type { Page } from '../page.ts';

export const overviewPage: Page = {
  path: '/',
  title: 'Overview',
  nav: 'Overview',
  async render(ctx) {
    const controls = await ctx.api.get<CacheControls>('/v1/cache/controls');
    const { claims } = ctx;
    return (
      <>
        <section aria-labelledby="you-heading">
          <h2 id="you-heading">Your access</h2>
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
          {controls.ok && (
            <p>
              Edge caching is{' '}
              {controls.data.cachingEnabled ? <span class="status-on">on</span> : <span class="status-off">switched off everywhere</span>}.
            </p>
          )}
        </section>
      </>
    );
  },
};
