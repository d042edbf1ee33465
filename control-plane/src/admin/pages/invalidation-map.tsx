/** @jsxImportSource hono/jsx */
import type { EdgeInvalidation } from '@conductor/schema/contracts/edge-config';
import { Empty, Problem } from '../components/messages.tsx';
import type { Page } from '../page.ts';

export const invalidationMapPage: Page = {
  path: '/invalidation-map',
  title: 'Invalidation map',
  nav: 'Invalidation map',
  async render(ctx) {
    const res = await ctx.api.get<{ entries: EdgeInvalidation[] }>('/v1/invalidation-map');
    if (!res.ok) {
      ctx.status = res.status;
      return <Problem problem={res} what="view the invalidation map" />;
    }
    const entries = [...res.data.entries].sort((a, b) => a.mutationOp.localeCompare(b.mutationOp) || a.affectedOp.localeCompare(b.affectedOp));
    return (
      <>
        <p>
          Which cached operations each mutation purges, and through which of its arguments. <a href="/admin/download/invalidation-map.json">Download as JSON</a>
        </p>
        {entries.length === 0 ? (
          <Empty>The invalidation map is empty.</Empty>
        ) : (
          <table>
            <caption class="visually-hidden">Invalidation map entries</caption>
            <thead>
              <tr>
                <th scope="col">Mutation</th>
                <th scope="col">Affected operation</th>
                <th scope="col">Variables selector</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr>
                  <th scope="row">{e.mutationOp}</th>
                  <td>{e.affectedOp}</td>
                  <td>
                    {e.varsSelector && Object.keys(e.varsSelector).length > 0 ? (
                      <ul>
                        {Object.entries(e.varsSelector).map(([variable, path]) => (
                          <li>
                            <code>${variable}</code> ← <code>{Array.isArray(path) ? path.join(' | ') : path}</code>
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <em>every cached variant</em>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </>
    );
  },
};
