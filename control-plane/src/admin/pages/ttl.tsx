/** @jsxImportSource hono/jsx */
import type { AcceptTtlResult, TtlRecommendations } from '@conductor/schema/contracts/cache-admin';
import { query } from '../api.ts';
import { FormKeys } from '../components/csrf.tsx';
import { Empty, Problem } from '../components/messages.tsx';
import type { Page } from '../page.ts';
import { formatSeconds, intField, invalid, percent, textField } from './util.ts';

export const ttlPage: Page = {
  path: '/ttl',
  title: 'TTL recommendations',
  nav: 'TTL tuning',
  async render(ctx) {
    const res = await ctx.api.get<TtlRecommendations>('/v1/cache/ttl-recommendations');
    if (!res.ok) {
      if (!res.unavailable) ctx.status = res.status;
      return <Problem problem={res} what="view TTL recommendations (they use every tenant's traffic)" />;
    }
    const { rule, operations, from, to } = res.data;
    return (
      <>
        <p>
          From the edge's metrics between <time datetime={from}>{from}</time> and <time datetime={to}>{to}</time>: for each safelisted query, the smallest TTL
          (between {formatSeconds(rule.minTtlSeconds)} and {formatSeconds(rule.maxTtlSeconds)}) whose predicted hit ratio reaches {percent(rule.targetFraction, 0)} of what
          is attainable; none below {rule.minRequests} cacheable requests. Accepting sets the TTL on every version of the operation.
        </p>
        {operations.length === 0 ? (
          <Empty>No safelisted queries to tune.</Empty>
        ) : (
          <table>
            <caption class="visually-hidden">TTL recommendations per operation</caption>
            <thead>
              <tr>
                <th scope="col">Operation</th>
                <th scope="col" class="num">Current TTL</th>
                <th scope="col" class="num">Recommended</th>
                <th scope="col" class="num">Hit ratio observed</th>
                <th scope="col" class="num">Predicted at recommended</th>
                <th scope="col" class="num">Requests</th>
                <th scope="col">Why</th>
                <th scope="col">
                  <span class="visually-hidden">Accept</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {operations.map((op) => (
                <tr>
                  <th scope="row">{op.name}</th>
                  <td class="num">{op.currentTtlSeconds === null ? 'differs by version' : formatSeconds(op.currentTtlSeconds)}</td>
                  <td class="num">{formatSeconds(op.recommendedTtlSeconds)}</td>
                  <td class="num">{percent(op.hitRatio.observed)}</td>
                  <td class="num">{percent(op.hitRatio.predictedAtRecommended)}</td>
                  <td class="num">{op.inputs.requests}</td>
                  <td>
                    {op.reason}
                    {!op.coveredByInvalidationMap && <span class="detail"> (not covered by the invalidation map)</span>}
                  </td>
                  <td>
                    {op.recommendedTtlSeconds !== null && op.recommendedTtlSeconds !== op.currentTtlSeconds ? (
                      <form method="post" class="inline">
                        <FormKeys csrf={ctx.csrf} action="accept" />
                        <input type="hidden" name="name" value={op.name} />
                        <input type="hidden" name="ttlSeconds" value={op.recommendedTtlSeconds} />
                        <input type="hidden" name="from" value={from} />
                        <input type="hidden" name="to" value={to} />
                        <button type="submit" aria-label={`Accept ${formatSeconds(op.recommendedTtlSeconds)} for ${op.name}`}>
                          Accept
                        </button>
                      </form>
                    ) : (
                      <span class="detail">—</span>
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
  actions: {
    accept: {
      label: 'change TTLs of safelisted operations',
      async run(ctx, form) {
        const name = textField(form, 'name');
        const ttlSeconds = intField(form, 'ttlSeconds');
        if (!name || ttlSeconds === undefined) return invalid('name and ttlSeconds are required');
        const path = `/v1/cache/ttl-recommendations/${encodeURIComponent(name)}/accept${query({ from: textField(form, 'from'), to: textField(form, 'to') })}`;
        const res = await ctx.api.send<AcceptTtlResult>('POST', path, { ttlSeconds });
        if (!res.ok) return res;
        return {
          ok: true,
          message: res.data.updated.length
            ? `${name} now caches for ${formatSeconds(res.data.ttlSeconds)} (${res.data.updated.length} version(s) updated).`
            : `${name} already cached for ${formatSeconds(res.data.ttlSeconds)}; nothing changed.`,
        };
      },
    },
  },
};
