/** @jsxImportSource hono/jsx */
import { opNames, OpRef } from '../components/op-ref.tsx';
import { ms } from '../pages/util.ts';
import { recentP95Report } from './recent.ts';
import { empty, ok, refused, type Tile } from './tile.tsx';

const SHOWN = 5;

/**
 * The operations where the cache takes least off the 95th percentile (smallest p95 delta as a
 * share of the origin's p95; negative when serving is slower than the origin), recent window.
 */
export const p95DeltaTile: Tile = {
  id: 'p95-delta',
  title: 'Least p95 benefit from the cache, last hour',
  href: '/admin/reports?scope=all&window=60',
  link: 'p95 delta report',
  async render(ctx) {
    const [res, names] = await Promise.all([recentP95Report(ctx.api), opNames(ctx.api)]);
    if (!res.ok) return refused(res, 'latency reports');
    const rows = res.data.rows.filter((r) => r.p95DeltaPct !== null).sort((a, b) => a.p95DeltaPct! - b.p95DeltaPct!);
    if (rows.length === 0) return empty('No data yet: no operation has both origin and served latencies in the last hour.');
    return ok(
      <table>
        <caption class="visually-hidden">Operations with the smallest p95 delta, worst first</caption>
        <thead>
          <tr>
            <th scope="col">Operation · tenant</th>
            <th scope="col" class="num">p95 delta</th>
            <th scope="col" class="num">Origin → served p95</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, SHOWN).map((r) => (
            <tr data-op={r.opId}>
              <th scope="row">
                <OpRef id={r.opId} names={names} reported={r.opName} /> · {r.tenant}
              </th>
              <td class="num">
                {ms(r.p95DeltaMs)} ({r.p95DeltaPct!.toFixed(1)} %)
              </td>
              <td class="num">
                {ms(r.origin.p95Ms)} → {ms(r.served.p95Ms)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>,
    );
  },
};
