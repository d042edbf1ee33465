/** @jsxImportSource hono/jsx */
import type { PurgeEvent } from '@conductor/schema/contracts/cache-admin';
import { ErrorCode, type PurgeDryRun, type PurgeReceipt } from '@conductor/sdk';
import { query } from '../api.ts';
import { FormKeys } from '../components/csrf.tsx';
import { Empty, Problem } from '../components/messages.tsx';
import { opNames } from '../components/op-ref.tsx';
import { PurgeTarget } from '../components/purge-target.tsx';
import { fieldValue, type ActionOutcome, type Page, type PageContext } from '../page.ts';
import { invalid, textField } from './util.ts';

/** The request body the form describes (shared by Purge and Preview), or why it is invalid. */
type PurgeBody = { tenant: string; opId: string } | { tenant: string; mutation: { op: string; variables: unknown } };

function purgeBody(ctx: PageContext, form: FormData): { ok: true; body: PurgeBody } | Extract<ActionOutcome, { ok: false }> {
  const kind = textField(form, 'kind');
  const target = textField(form, 'target');
  if (!target) return invalid('name an operation id or a mutation');
  if (kind !== 'mutation') return { ok: true, body: { tenant: ctx.tenant, opId: target } };
  let variables: unknown;
  try {
    variables = JSON.parse(textField(form, 'variables') || '{}');
  } catch {
    return invalid('mutation variables must be a JSON object');
  }
  return { ok: true, body: { tenant: ctx.tenant, mutation: { op: target, variables } } };
}

function Preview({ answer }: { answer: PurgeDryRun }) {
  return (
    <section class="notice ok" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview: nothing was purged</h2>
      <p>
        Purging this would bump <strong>{answer.tags.length}</strong> tag(s) and make <strong>{answer.liveEntries}</strong> live cache{' '}
        {answer.liveEntries === 1 ? 'entry' : 'entries'} of tenant {answer.tenant} unreachable, across every data centre.
      </p>
      {!answer.liveEntriesComplete && (
        <p>
          <strong>At least</strong> that many: the tenant reached its limit of tracked entries, and some entries stored since then are not
          counted.
        </p>
      )}
      <p class="detail">
        Live entries are responses the edge stored under the tags' current generations that are still within their TTL and stale windows.
        Entries the cache evicted early are still counted; an entry whose report was lost is not.
      </p>
      {answer.operations.length === 0 ? (
        <p>No cached operation is reached.</p>
      ) : (
        <table>
          <caption>Operations the purge would reach</caption>
          <thead>
            <tr>
              <th scope="col">Operation</th>
              <th scope="col">Id</th>
              <th scope="col">Live entries</th>
            </tr>
          </thead>
          <tbody>
            {answer.operations.map((o) => (
              <tr>
                <td>{o.name ?? '(no longer safelisted)'}</td>
                <td>
                  <code>{o.id}</code>
                </td>
                <td>{o.liveEntries}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>Tags and their current generations:</p>
      <ul>
        {answer.tags.map((t) => (
          <li>
            <code>{t}</code> at generation {answer.generations[t] ?? 0}
          </li>
        ))}
      </ul>
    </section>
  );
}

function NotCovered({ mutation, message }: { mutation: string; message: string }) {
  return (
    <section class="notice unavailable" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview: mutation {mutation} is not covered by the invalidation map</h2>
      <p>
        It purges nothing: a purge naming it would be refused, and the mutation passing through the edge invalidates no cached response. Link
        it to the operations it changes on the <a href="/admin/invalidation-map">invalidation map</a>.
      </p>
      <p class="detail">The edge said: {message}</p>
    </section>
  );
}

export const purgesPage: Page = {
  path: '/purges',
  title: (ctx) => `Purges · ${ctx.tenant}`,
  nav: 'Purges',
  async render(ctx) {
    const [res, names] = await Promise.all([ctx.api.get<{ purges: PurgeEvent[] }>(`/v1/purges${query({ tenant: ctx.tenant, limit: 100 })}`), opNames(ctx.api)]);
    return (
      <>
        <form method="post" aria-labelledby="purge-heading">
          <FormKeys csrf={ctx.csrf} />
          <fieldset>
            <legend id="purge-heading">Purge tenant {ctx.tenant}</legend>
            <div class="field">
              <label for="kind">What to purge</label>
              <select id="kind" name="kind">
                <option value="op" selected={fieldValue(ctx, 'kind', 'op') === 'op'}>
                  One operation (every variant)
                </option>
                <option value="mutation" selected={fieldValue(ctx, 'kind', 'op') === 'mutation'}>
                  What a mutation invalidates (through the invalidation map)
                </option>
              </select>
            </div>
            <div class="field">
              <label for="target">Operation id, or mutation name</label>
              <input
                id="target"
                name="target"
                type="text"
                required
                autocomplete="off"
                aria-describedby="target-hint"
                value={fieldValue(ctx, 'target', '')}
              />
              <span class="hint" id="target-hint">
                e.g. <code>sha256:…</code> or <code>updateEntity</code>. To purge everything, use <a href="/admin/controls">Emergency controls</a>.
              </span>
            </div>
            <div class="field">
              <label for="variables">Mutation variables (JSON)</label>
              <input id="variables" name="variables" type="text" value={fieldValue(ctx, 'variables', '{}')} autocomplete="off" />
            </div>
            {/* Preview first: it is the form's default button, so Enter in a field previews, never purges. */}
            <div class="field">
              <div>
                <button type="submit" name="_action" value="preview" class="secondary" aria-describedby="preview-hint">
                  Preview
                </button>{' '}
                <button type="submit" name="_action" value="purge">
                  Purge
                </button>
              </div>
              <span class="hint" id="preview-hint">
                Preview shows the tags, operations and live entries the purge would reach, and purges nothing.
              </span>
            </div>
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
        const parsed = purgeBody(ctx, form);
        if (!parsed.ok) return parsed;
        const res = await ctx.api.send<PurgeReceipt>('POST', '/v1/purge', parsed.body);
        if (!res.ok) return res;
        return { ok: true, message: `Purged ${res.data.tags.length} tag(s) in tenant ${res.data.tenant} (purge ${res.data.purgeId}).` };
      },
    },
    preview: {
      label: 'preview this purge',
      async run(ctx, form) {
        const parsed = purgeBody(ctx, form);
        if (!parsed.ok) return parsed;
        const res = await ctx.api.send<PurgeDryRun>('POST', '/v1/purge', { ...parsed.body, dryRun: true });
        if (res.ok) return { ok: true, show: <Preview answer={res.data} /> };
        // Not an error of the preview: the answer is that this mutation purges nothing.
        if (res.code === ErrorCode.UNKNOWN_OPERATION && 'mutation' in parsed.body) {
          return { ok: true, show: <NotCovered mutation={parsed.body.mutation.op} message={res.message} /> };
        }
        return res;
      },
    },
  },
};
