/** @jsxImportSource hono/jsx */
import { formatDecimal, type Service, type ServiceOp } from '@conductor/schema/contracts/catalog';
import type { SafelistEntry } from '@conductor/schema/contracts/cache-admin';
// The JSON shape of GET /v1/catalog/backtests/latest (types only).
import type { LatestBacktest } from '../../catalog/backtest-service.ts';
import type { ApiClient } from '../api.ts';
import { FormKeys } from '../components/csrf.tsx';
import { Empty, NotAvailable, Problem } from '../components/messages.tsx';
import { fieldValue, type Page, type PageContext } from '../page.ts';
import { invalid, textField } from './util.ts';

export const usd = (micros: string | null | undefined) => (micros === null || micros === undefined ? '—' : `$${formatDecimal(BigInt(micros), 6)}`);

function pricing(s: Service): string {
  return s.pricing.model === 'instance'
    ? `${s.pricing.instances} × ${s.pricing.perInstanceConcurrency} concurrent, ${usd(s.pricing.instanceHourMicros)}/instance-hour`
    : `${usd(s.pricing.perRequestMicros)}/request + ${usd(s.pricing.gbSecondMicros)}/GB-s, ${s.pricing.memoryMb} MB`;
}

/** Latest backtests by op id; an empty map when none were stored or the endpoint is missing. */
export async function latestBacktests(api: ApiClient): Promise<{ byOp: Map<string, LatestBacktest>; available: boolean }> {
  const res = await api.get<{ ops: LatestBacktest[] }>('/v1/catalog/backtests/latest');
  if (!res.ok) return { byOp: new Map(), available: !res.unavailable };
  return { byOp: new Map(res.data.ops.map((o) => [o.opId, o])), available: true };
}

export function BacktestNote({ bt }: { bt: LatestBacktest | undefined }) {
  if (!bt) return <span class="detail">no backtest yet</span>;
  return (
    <span title={`backtest ${bt.reportId}, ${bt.runAt}`}>
      p95 ±{bt.maxAbsErrorP95Pct.toFixed(1)} %, p99 ±{bt.maxAbsErrorP99Pct.toFixed(1)} %
    </span>
  );
}

export const catalogPage: Page = {
  path: '/catalog',
  title: 'Service catalog',
  nav: 'Catalog',
  async render(ctx) {
    const [services, ops] = await Promise.all([
      ctx.api.get<{ services: Service[] }>('/v1/catalog/services'),
      ctx.api.get<{ ops: ServiceOp[] }>('/v1/catalog/ops'),
    ]);
    if (!services.ok) {
      ctx.status = services.unavailable ? 200 : services.status;
      return <Problem problem={services} what="view the service catalog" />;
    }
    if (!ops.ok) {
      ctx.status = ops.unavailable ? 200 : ops.status;
      return <Problem problem={ops} what="view the catalog operations" />;
    }
    const backtests = await latestBacktests(ctx.api);
    return (
      <>
        <p>
          Export: <a href="/admin/download/catalog.csv">CSV</a> · <a href="/admin/download/catalog.json">JSON</a>
        </p>
        <h2 id="services-heading">Services</h2>
        {services.data.services.length === 0 ? (
          <Empty>No services in the catalog.</Empty>
        ) : (
          <table aria-labelledby="services-heading">
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Owner</th>
                <th scope="col">System</th>
                <th scope="col">Lifecycle</th>
                <th scope="col">Depends on</th>
                <th scope="col">Pricing</th>
              </tr>
            </thead>
            <tbody>
              {services.data.services.map((s) => (
                <tr>
                  <th scope="row">{s.name}</th>
                  <td>{s.owner}</td>
                  <td>{s.system}</td>
                  <td>{s.lifecycle}</td>
                  <td>{s.dependsOn.join(', ') || '—'}</td>
                  <td>{pricing(s)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h2 id="ops-heading">Operations</h2>
        {!backtests.available && <NotAvailable what="show prediction errors from backtests" />}
        {ops.data.ops.length === 0 ? (
          <Empty>No operations in the catalog.</Empty>
        ) : (
          <table aria-labelledby="ops-heading">
            <thead>
              <tr>
                <th scope="col">Op</th>
                <th scope="col">Service</th>
                <th scope="col">Safelisted operation</th>
                <th scope="col" class="num">p95 target</th>
                <th scope="col" class="num">p99 target</th>
                <th scope="col" class="num">Unit cost</th>
                <th scope="col">SLO</th>
                <th scope="col">Prediction error (latest backtest)</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {ops.data.ops.map((op) => (
                <tr>
                  <th scope="row">
                    {op.name} <code>{op.id}</code>
                  </th>
                  <td>{op.service}</td>
                  <td>{op.safelistedOperation ?? '—'}</td>
                  <td class="num">{op.p95TargetMs} ms</td>
                  <td class="num">{op.p99TargetMs} ms</td>
                  <td class="num">${op.unitCostUSD}</td>
                  <td>
                    {op.slo.objective} over {op.slo.windowDays} d
                  </td>
                  <td>
                    <BacktestNote bt={backtests.byOp.get(op.id)} />
                  </td>
                  <td>
                    <a href={`/admin/catalog/ops/${encodeURIComponent(op.id)}`} aria-label={`Edit ${op.name}`}>
                      Edit
                    </a>{' '}
                    · <a href={`/admin/what-if?op=${encodeURIComponent(op.id)}`} aria-label={`What-if for ${op.name}`}>What-if</a>
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

const NUM = (ctx: PageContext, label: string, name: string, value: number | string, attrs: { min?: number; max?: number; step?: number | string; hint?: string } = {}) => (
  <div class="field">
    <label for={`op-${name}`}>{label}</label>
    <input
      id={`op-${name}`}
      name={name}
      type="number"
      value={fieldValue(ctx, name, value)}
      min={attrs.min}
      max={attrs.max}
      step={attrs.step ?? 1}
      required
      aria-describedby={attrs.hint ? `op-${name}-hint` : undefined}
    />
    {attrs.hint && (
      <span class="hint" id={`op-${name}-hint`}>
        {attrs.hint}
      </span>
    )}
  </div>
);

export const catalogOpPage: Page = {
  path: '/catalog/ops/:id',
  title: 'Edit catalog operation',
  async render(ctx) {
    const id = ctx.params.id ?? '';
    const [op, services, safelist] = await Promise.all([
      ctx.api.get<ServiceOp>(`/v1/catalog/ops/${encodeURIComponent(id)}`),
      ctx.api.get<{ services: Service[] }>('/v1/catalog/services'),
      ctx.api.get<{ operations: SafelistEntry[] }>('/v1/safelist'),
    ]);
    if (!op.ok) {
      if (ctx.status === 200) ctx.status = op.unavailable ? 200 : op.status;
      return <Problem problem={op} what="view this catalog operation" />;
    }
    const o = op.data;
    const serviceNames = services.ok ? services.data.services.map((s) => s.name) : [o.service];
    const opNames = safelist.ok ? [...new Set(safelist.data.operations.filter((s) => s.name).map((s) => s.name))].sort() : o.safelistedOperation ? [o.safelistedOperation] : [];
    const backtests = await latestBacktests(ctx.api);
    const bt = backtests.byOp.get(o.id);
    return (
      <>
        <p>
          <a href="/admin/catalog">← Back to the catalog</a> · <a href={`/admin/what-if?op=${encodeURIComponent(o.id)}`}>What-if for this op</a>
        </p>
        <form method="post">
          <FormKeys csrf={ctx.csrf} action="save" />
          <fieldset>
            <legend>
              Operation <code>{o.id}</code>
            </legend>
            <div class="field">
              <label for="op-name">Name</label>
              <input id="op-name" name="name" type="text" value={fieldValue(ctx, 'name', o.name)} required maxlength={200} />
            </div>
            <div class="field">
              <label for="op-service">Service</label>
              <select id="op-service" name="service">
                {serviceNames.map((s) => (
                  <option value={s} selected={s === fieldValue(ctx, 'service', o.service)}>
                    {s}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="op-safelisted">Safelisted operation (source of observed traffic)</label>
              <select id="op-safelisted" name="safelistedOperation">
                <option value="" selected={fieldValue(ctx, 'safelistedOperation', o.safelistedOperation) === ''}>
                  none
                </option>
                {opNames.map((n) => (
                  <option value={n} selected={n === fieldValue(ctx, 'safelistedOperation', o.safelistedOperation)}>
                    {n}
                  </option>
                ))}
              </select>
            </div>
          </fieldset>
          <fieldset>
            <legend>Targets and cost</legend>
            {NUM(ctx, 'p95 target (ms)', 'p95TargetMs', o.p95TargetMs, { min: 1, max: 3_600_000 })}
            {NUM(ctx, 'p99 target (ms)', 'p99TargetMs', o.p99TargetMs, { min: 1, max: 3_600_000, hint: 'At least the p95 target.' })}
            <div class="field">
              <label for="op-unitCostUSD">Unit cost (USD per request)</label>
              <input id="op-unitCostUSD" name="unitCostUSD" type="text" inputmode="decimal" value={fieldValue(ctx, 'unitCostUSD', o.unitCostUSD)} required pattern="\d*\.?\d{0,6}" aria-describedby="op-unitCostUSD-hint" />
              <span class="hint" id="op-unitCostUSD-hint">
                Exact decimal, at most 6 decimals, e.g. 0.000012.
              </span>
            </div>
            <div class="field">
              <label for="op-objective">SLO objective</label>
              <input id="op-objective" name="objective" type="text" value={fieldValue(ctx, 'objective', o.slo.objective)} required aria-describedby="op-objective-hint" />
              <span class="hint" id="op-objective-hint">
                A percentage like 99.9% or a fraction like 0.999.
              </span>
            </div>
            {NUM(ctx, 'SLO window (days)', 'windowDays', o.slo.windowDays, { min: 1, max: 366 })}
          </fieldset>
          <fieldset>
            <legend>What-if fallbacks (used while the edge has no metrics)</legend>
            {NUM(ctx, 'Origin service time, mean (ms)', 'serviceTimeMeanMs', o.fallback.serviceTimeMeanMs, { min: 0.001, max: 3_600_000, step: 'any' })}
            {NUM(ctx, 'Origin service time variability (SCV)', 'serviceTimeScv', o.fallback.serviceTimeScv, { min: 0, max: 10_000, step: 'any', hint: '1 = exponential, 0 = constant.' })}
            {NUM(ctx, 'Expected arrival rate (requests/s)', 'arrivalRatePerSecond', o.fallback.arrivalRatePerSecond, { min: 0, max: 1e9, step: 'any' })}
          </fieldset>
          <button type="submit">Save operation</button>
        </form>
        <h2>Prediction error</h2>
        {!backtests.available ? (
          <NotAvailable what="show prediction errors from backtests" />
        ) : !bt ? (
          <p class="empty">No backtest has been stored for this op.</p>
        ) : (
          <table>
            <caption>
              Backtest {bt.reportId} ({bt.runAt}): predicted vs observed latency
            </caption>
            <thead>
              <tr>
                <th scope="col">Level</th>
                <th scope="col" class="num">λ (req/s)</th>
                <th scope="col" class="num">ρ</th>
                <th scope="col" class="num">p95 observed / predicted</th>
                <th scope="col" class="num">p95 error</th>
                <th scope="col" class="num">p99 observed / predicted</th>
                <th scope="col" class="num">p99 error</th>
              </tr>
            </thead>
            <tbody>
              {bt.rows.map((r) => (
                <tr>
                  <th scope="row">{r.level}</th>
                  <td class="num">{r.lambda.toFixed(1)}</td>
                  <td class="num">{r.rho.toFixed(2)}</td>
                  <td class="num">
                    {r.observedP95Ms.toFixed(1)} / {r.predictedP95Ms.toFixed(1)} ms
                  </td>
                  <td class="num">{r.errorP95Pct.toFixed(1)} %</td>
                  <td class="num">
                    {r.observedP99Ms.toFixed(1)} / {r.predictedP99Ms.toFixed(1)} ms
                  </td>
                  <td class="num">{r.errorP99Pct.toFixed(1)} %</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </>
    );
  },
  actions: {
    save: {
      label: 'change the service catalog',
      async run(ctx, form) {
        const num = (name: string) => {
          const raw = textField(form, name);
          return raw === '' ? NaN : Number(raw);
        };
        const body = {
          name: textField(form, 'name'),
          service: textField(form, 'service'),
          p95TargetMs: num('p95TargetMs'),
          p99TargetMs: num('p99TargetMs'),
          unitCostUSD: textField(form, 'unitCostUSD'),
          slo: { objective: textField(form, 'objective'), windowDays: num('windowDays') },
          safelistedOperation: textField(form, 'safelistedOperation') || null,
          fallback: { serviceTimeMeanMs: num('serviceTimeMeanMs'), serviceTimeScv: num('serviceTimeScv'), arrivalRatePerSecond: num('arrivalRatePerSecond') },
        };
        for (const [k, v] of Object.entries({ ...body, ...body.fallback, windowDays: body.slo.windowDays })) {
          if (typeof v === 'number' && !Number.isFinite(v)) return invalid(`${k} must be a number`);
        }
        const res = await ctx.api.send<ServiceOp>('PUT', `/v1/catalog/ops/${encodeURIComponent(ctx.params.id ?? '')}`, body);
        if (!res.ok) return res;
        return { ok: true, message: `Saved ${res.data.name}: p95 ≤ ${res.data.p95TargetMs} ms, p99 ≤ ${res.data.p99TargetMs} ms, $${res.data.unitCostUSD} per request.` };
      },
    },
  },
};
