/** @jsxImportSource hono/jsx */
import type { PurgeEvent } from '@conductor/schema/contracts/cache-admin';
import type { PurgeReceipt } from '@conductor/sdk';
import { query } from '../api.ts';
import { FormKeys } from '../components/csrf.tsx';
import { Empty, Problem } from '../components/messages.tsx';
import { opNames } from '../components/op-ref.tsx';
import { PurgeTarget } from '../components/purge-target.tsx';
import type { Page } from '../page.ts';
import { invalid, textField } from './util.ts';

export const purgesPage: Page = {
  path: '/purges',
  title: (ctx) => `Purges · ${ctx.tenant}`,
  nav: 'Purges',
  async render(ctx) {
    const [res, names] = await Promise.all([ctx.api.get<{ purges: PurgeEvent[] }>(`/v1/purges${query({ tenant: ctx.tenant, limit: 100 })}`), opNames(ctx.api)]);
    return (
      <>
        <form method="post" aria-labelledby="purge-heading">
          <FormKeys csrf={ctx.csrf} action="purge" />
          <fieldset>
            <legend id="purge-heading">Purge tenant {ctx.tenant}</legend>
            <div class="field">
              <label for="kind">What to purge</label>
              <select id="kind" name="kind">
                <option value="op">One operation (every variant)</option>
                <option value="mutation">What a mutation invalidates (through the invalidation map)</option>
              </select>
            </div>
            <div class="field">
              <label for="target">Operation id, or mutation name</label>
              <input id="target" name="target" type="text" required autocomplete="off" aria-describedby="target-hint" />
              <span class="hint" id="target-hint">
                e.g. <code>sha256:…</code> or <code>updateEntity</code>. To purge everything, use <a href="/admin/controls">Emergency controls</a>.
              </span>
            </div>
            <div class="field">
              <label for="variables">Mutation variables (JSON)</label>
              <input id="variables" name="variables" type="text" value="{}" autocomplete="off" />
            </div>
            <button type="submit">Purge</button>
          </fieldset>
        </form>
        <h2>History</h2>
        <p>
          <a href={`/admin/download/purges.json${query({ tenant: ctx.tenant })}`}>Download as JSON</a>
        </p>
        {!res.ok ? (
          <Problem problem={res} what={`view the purge history of tenant ${ctx.tenant}`} />
        ) : res.data.purges.length === 0 ? (
          <Empty>No purges recorded for this tenant.</Empty>
        ) : (
          <table>
            <caption class="visually-hidden">Purge history of tenant {ctx.tenant}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Purge id</th>
                <th scope="col">Target</th>
                <th scope="col">Status</th>
                <th scope="col">Actor</th>
                <th scope="col">Tags bumped</th>
              </tr>
            </thead>
            <tbody>
              {res.data.purges.map((e) => (
                <tr>
                  <td>
                    <time datetime={e.createdAt}>{e.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time>
                  </td>
                  <td>
                    <code>{e.purgeId}</code>
                  </td>
                  <td>
                    <PurgeTarget event={e} names={names} />
                  </td>
                  <td>
                    {e.status}
                    {e.error && <span class="detail"> — {e.error}</span>}
                  </td>
                  <td>{e.actor}</td>
                  <td>{e.receipt ? e.receipt.tags.length : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </>
    );
  },
  actions: {
    purge: {
      label: 'purge this tenant',
      async run(ctx, form) {
        const kind = textField(form, 'kind');
        const target = textField(form, 'target');
        if (!target) return invalid('name an operation id or a mutation');
        let body: Record<string, unknown>;
        if (kind === 'mutation') {
          let variables: unknown;
          try {
            variables = JSON.parse(textField(form, 'variables') || '{}');
          } catch {
            return invalid('mutation variables must be a JSON object');
          }
          body = { tenant: ctx.tenant, mutation: { op: target, variables } };
        } else {
          body = { tenant: ctx.tenant, opId: target };
        }
        const res = await ctx.api.send<PurgeReceipt>('POST', '/v1/purge', body);
        if (!res.ok) return res;
        return { ok: true, message: `Purged ${res.data.tags.length} tag(s) in tenant ${res.data.tenant} (purge ${res.data.purgeId}).` };
      },
    },
  },
};
