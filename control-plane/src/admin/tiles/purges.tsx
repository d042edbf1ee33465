/** @jsxImportSource hono/jsx */
import type { PurgeEvent } from '@conductor/schema/contracts/cache-admin';
import { query } from '../api.ts';
import { opNames } from '../components/op-ref.tsx';
import { PurgeTarget } from '../components/purge-target.tsx';
import { empty, ok, refused, type Tile } from './tile.tsx';

const SHOWN = 5;

/** The newest purges of the tenant the user is working in (the purge history is per tenant). */
export const purgesTile: Tile = {
  id: 'purges',
  title: (ctx) => `Recent purges · ${ctx.tenant}`,
  href: '/admin/purges',
  link: 'Purge history',
  async render(ctx) {
    const [res, names] = await Promise.all([ctx.api.get<{ purges: PurgeEvent[] }>(`/v1/purges${query({ tenant: ctx.tenant, limit: SHOWN })}`), opNames(ctx.api)]);
    if (!res.ok) return refused(res, `the purge history of tenant ${ctx.tenant}`);
    if (res.data.purges.length === 0) return empty(`No data yet: no purges recorded for tenant ${ctx.tenant}.`);
    return ok(
      <table>
        <caption class="visually-hidden">Newest purges of tenant {ctx.tenant}</caption>
        <thead>
          <tr>
            <th scope="col">When (UTC)</th>
            <th scope="col">Target</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {res.data.purges.map((e) => (
            <tr>
              <td>
                <time datetime={e.createdAt}>{e.createdAt.slice(5, 16).replace('T', ' ')}</time>
              </td>
              <td>
                <PurgeTarget event={e} names={names} />
              </td>
              <td class={e.status === 'failed' ? 'status-off' : ''}>{e.status}</td>
            </tr>
          ))}
        </tbody>
      </table>,
    );
  },
};
