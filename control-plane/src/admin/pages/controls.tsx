/** @jsxImportSource hono/jsx */
import type { CacheControls } from '@conductor/schema/contracts/cache-admin';
import type { PurgeReceipt } from '@conductor/sdk';
import { FormKeys } from '../components/csrf.tsx';
import { Empty, Problem } from '../components/messages.tsx';
import type { Page } from '../page.ts';
import { invalid, textField } from './util.ts';

const onOff = (on: boolean) => (on ? <span class="status-on">caching on</span> : <span class="status-off">caching off (BYPASS)</span>);

export const controlsPage: Page = {
  path: '/controls',
  title: 'Emergency controls',
  nav: 'Emergency controls',
  async render(ctx) {
    const res = await ctx.api.get<CacheControls>('/v1/cache/controls');
    return (
      <>
        <section aria-labelledby="switches-heading">
          <h2 id="switches-heading">Caching switches</h2>
          <p>Switching caching off makes the edge BYPASS the cache (every request goes to the origin) within one config pull.</p>
          {!res.ok ? (
            <Problem problem={res} what="view the caching switches" />
          ) : (
            <>
              <form method="post" class="inline">
                <FormKeys csrf={ctx.csrf} action="global" />
                <span>
                  All operations, every tenant: <strong>{onOff(res.data.cachingEnabled)}</strong>
                </span>
                <input type="hidden" name="enabled" value={res.data.cachingEnabled ? 'false' : 'true'} />
                <button type="submit" class={res.data.cachingEnabled ? 'danger' : ''}>
                  {res.data.cachingEnabled ? 'Turn caching off everywhere' : 'Turn caching back on'}
                </button>
              </form>
              {res.data.operations.length === 0 ? (
                <Empty>No safelisted operations.</Empty>
              ) : (
                <table>
                  <caption class="visually-hidden">Per-operation caching switches</caption>
                  <thead>
                    <tr>
                      <th scope="col">Operation</th>
                      <th scope="col" class="num">Versions</th>
                      <th scope="col">State</th>
                      <th scope="col">
                        <span class="visually-hidden">Switch</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {res.data.operations.map((op) => (
                      <tr>
                        <th scope="row">{op.name}</th>
                        <td class="num">{op.versions.length}</td>
                        <td>{onOff(op.cachingEnabled)}</td>
                        <td>
                          <form method="post" class="inline">
                            <FormKeys csrf={ctx.csrf} action="operation" />
                            <input type="hidden" name="name" value={op.name} />
                            <input type="hidden" name="enabled" value={op.cachingEnabled ? 'false' : 'true'} />
                            {/* The accessible name starts with the visible text (WCAG 2.5.3 Label in Name), then says which operation. */}
                            <button type="submit" class="secondary">
                              {op.cachingEnabled ? 'Turn off' : 'Turn on'}
                              <span class="visually-hidden"> caching for {op.name}</span>
                            </button>
                          </form>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
        </section>
        <section aria-labelledby="purge-all-heading">
          <h2 id="purge-all-heading">Purge everything in tenant {ctx.tenant}</h2>
          <form method="post">
            <FormKeys csrf={ctx.csrf} action="purgeAll" />
            <div class="field">
              <label>
                <input type="checkbox" name="confirm" value={ctx.tenant} required /> I understand that every cached response of tenant <strong>{ctx.tenant}</strong> will miss
                once.
              </label>
            </div>
            <button type="submit" class="danger">
              Purge all of {ctx.tenant}
            </button>
          </form>
        </section>
      </>
    );
  },
  actions: {
    global: {
      label: 'switch caching for every tenant',
      async run(ctx, form) {
        const enabled = textField(form, 'enabled') === 'true';
        const res = await ctx.api.send('PUT', '/v1/cache/controls/caching', { enabled });
        if (!res.ok) return res;
        return { ok: true, message: enabled ? 'Caching is back on everywhere.' : 'Caching is off everywhere: the edge bypasses the cache.' };
      },
    },
    operation: {
      label: 'switch caching for this operation',
      async run(ctx, form) {
        const name = textField(form, 'name');
        const enabled = textField(form, 'enabled') === 'true';
        if (!name) return invalid('name the operation');
        const res = await ctx.api.send('PUT', `/v1/cache/controls/operations/${encodeURIComponent(name)}/caching`, { enabled });
        if (!res.ok) return res;
        return { ok: true, message: `Caching for ${name} is ${enabled ? 'on' : 'off'}.` };
      },
    },
    purgeAll: {
      label: 'purge this tenant',
      async run(ctx, form) {
        if (textField(form, 'confirm') !== ctx.tenant) return invalid(`tick the box to confirm purging all of ${ctx.tenant}`);
        const res = await ctx.api.send<PurgeReceipt>('POST', '/v1/purge', { tenant: ctx.tenant, all: true });
        if (!res.ok) return res;
        return { ok: true, message: `Purged everything in tenant ${res.data.tenant} (purge ${res.data.purgeId}).` };
      },
    },
  },
};
