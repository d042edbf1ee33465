/** @jsxImportSource hono/jsx */
import type { SafelistEntry } from '@conductor/schema/contracts/cache-admin';
import { FormKeys } from '../components/csrf.tsx';
import { Empty, Problem } from '../components/messages.tsx';
import { OpId } from '../components/op-ref.tsx';
import { fieldValue, type Page } from '../page.ts';
import { formatSeconds, intField, invalid, textField } from './util.ts';

export const safelistPage: Page = {
  path: '/safelist',
  title: 'Safelist',
  nav: 'Safelist',
  async render(ctx) {
    const res = await ctx.api.get<{ operations: SafelistEntry[] }>('/v1/safelist');
    if (!res.ok) {
      ctx.status = res.status;
      return <Problem problem={res} what="view the safelist" />;
    }
    const ops = [...res.data.operations].sort((a, b) => a.name.localeCompare(b.name));
    return (
      <>
        <p>
          Persisted operations the edge will run, with their cache policy. <a href="/admin/download/safelist.json">Download as JSON</a>
        </p>
        {ops.length === 0 ? (
          <Empty>No operations are safelisted.</Empty>
        ) : (
          <table>
            <caption class="visually-hidden">Safelisted operations</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Document id</th>
                <th scope="col" class="num">TTL</th>
                <th scope="col" class="num">Stale while revalidate</th>
                <th scope="col" class="num">Stale if error</th>
                <th scope="col">Scope</th>
                <th scope="col">Caching</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {ops.map((op) => (
                <tr>
                  <th scope="row">{op.name || '(anonymous)'}</th>
                  <td>{op.operationType}</td>
                  <td>
                    <OpId id={op.id} />
                  </td>
                  <td class="num">{formatSeconds(op.ttlSeconds, '0 s (not cached)')}</td>
                  <td class="num">{formatSeconds(op.staleWhileRevalidateSeconds)}</td>
                  <td class="num">{formatSeconds(op.staleIfErrorSeconds)}</td>
                  <td>{op.scope}</td>
                  <td>{op.cachingEnabled === false ? <span class="status-off">off</span> : <span class="status-on">on</span>}</td>
                  <td>
                    <a href={`/admin/safelist/${encodeURIComponent(op.id)}`} aria-label={`Edit ${op.name || op.id}`}>
                      Edit
                    </a>
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

export const safelistEditPage: Page = {
  path: '/safelist/:id',
  title: 'Edit safelisted operation',
  async render(ctx) {
    const id = ctx.params.id ?? '';
    const res = await ctx.api.get<SafelistEntry>(`/v1/safelist/${encodeURIComponent(id)}`);
    if (!res.ok) {
      if (ctx.status === 200) ctx.status = res.status;
      return <Problem problem={res} what="view this operation" />;
    }
    const op = res.data;
    return (
      <>
        <p>
          <a href="/admin/safelist">← Back to the safelist</a>
        </p>
        <dl>
          <dt>Name</dt>
          <dd>{op.name}</dd>
          <dt>Document id</dt>
          <dd>
            <code>{op.id}</code>
          </dd>
          <dt>Variables</dt>
          <dd>{op.variables.length ? op.variables.join(', ') : 'none'}</dd>
        </dl>
        <details>
          <summary>Document</summary>
          <pre>
            <code>{op.document}</code>
          </pre>
        </details>
        <form method="post">
          <FormKeys csrf={ctx.csrf} action="save" />
          <fieldset>
            <legend>Cache policy</legend>
            <div class="field">
              <label for="ttlSeconds">TTL (seconds)</label>
              <input id="ttlSeconds" name="ttlSeconds" type="number" min="0" max="31536000" step="1" value={fieldValue(ctx, 'ttlSeconds', op.ttlSeconds)} required aria-describedby="ttl-hint" />
              <span class="hint" id="ttl-hint">
                0 keeps the operation safelisted but uncached.
              </span>
            </div>
            <div class="field">
              <label for="swr">Stale while revalidate (seconds)</label>
              <input id="swr" name="staleWhileRevalidateSeconds" type="number" min="0" max="31536000" step="1" value={fieldValue(ctx, 'staleWhileRevalidateSeconds', op.staleWhileRevalidateSeconds ?? 0)} />
            </div>
            <div class="field">
              <label for="sie">Stale if error (seconds)</label>
              <input id="sie" name="staleIfErrorSeconds" type="number" min="0" max="31536000" step="1" value={fieldValue(ctx, 'staleIfErrorSeconds', op.staleIfErrorSeconds ?? 0)} />
            </div>
            <div class="field">
              <label for="scope">Scope</label>
              <select id="scope" name="scope">
                <option value="tenant" selected={fieldValue(ctx, 'scope', op.scope) === 'tenant'}>
                  tenant (shared by the tenant's users)
                </option>
                <option value="user" selected={fieldValue(ctx, 'scope', op.scope) === 'user'}>
                  user (per token subject)
                </option>
              </select>
            </div>
            <button type="submit">Save cache policy</button>
          </fieldset>
        </form>
      </>
    );
  },
  actions: {
    save: {
      label: "change this operation's cache policy",
      async run(ctx, form) {
        const ttlSeconds = intField(form, 'ttlSeconds');
        if (ttlSeconds === undefined) return invalid('TTL must be a whole number of seconds');
        const body: Record<string, unknown> = { ttlSeconds, scope: textField(form, 'scope') || 'tenant' };
        const swr = intField(form, 'staleWhileRevalidateSeconds');
        const sie = intField(form, 'staleIfErrorSeconds');
        if (swr !== undefined) body.staleWhileRevalidateSeconds = swr;
        if (sie !== undefined) body.staleIfErrorSeconds = sie;
        const res = await ctx.api.send<SafelistEntry>('PATCH', `/v1/safelist/${encodeURIComponent(ctx.params.id ?? '')}`, body);
        if (!res.ok) return res;
        return { ok: true, message: `Saved: ${res.data.name} now caches for ${formatSeconds(res.data.ttlSeconds)} (${res.data.scope} scope).` };
      },
    },
  },
};
