/** @jsxImportSource hono/jsx */
import { MAX_SWEEP_LOAD_FACTOR, type ServiceOp, type SweepPoint } from '@conductor/schema/contracts/catalog';
import { LineChart } from '../components/chart.tsx';
import { Empty, Problem } from '../components/messages.tsx';
import { Slider, sliderValue } from '../components/slider.tsx';
import type { Page, PageContext } from '../page.ts';
import { BacktestNote, latestBacktests, usd } from './catalog.tsx';
import { ms, percent } from './util.ts';
import { loadStep, planSweep, type SweepPlan } from './what-if-sweep.ts';

type Source = 'observed' | 'catalog' | 'default' | 'override';
interface Inputs {
  arrivalRatePerSecond: { value: number; source: Source };
  hitRatio: { value: number; source: Source };
  hitLatencyMs: { value: number; source: Source };
  serviceTimeMeanMs: { value: number; source: Source };
  serviceTimeScv: { value: number; source: Source };
  burstiness: { value: number; source: Source };
  instances: { value: number; source: Source };
  perInstanceConcurrency: { value: number; source: Source };
}
interface SweepAnswer {
  op: ServiceOp;
  inputs: Inputs;
  observed: { window: { from: string; to: string; minutes: number }; tenant: string | null; requests: number; originSamples: number };
  points: SweepPoint[];
}

/** Slider fields → what-if override names, with their ranges. */
const SLIDERS = [
  { name: 'hitRatio', label: 'Edge hit ratio', min: 0, max: 1, step: 0.01, hint: 'Share of requests answered from the edge cache.' },
  { name: 'instances', label: 'Origin instances', min: 1, max: 256, step: 1 },
  { name: 'perInstanceConcurrency', label: 'Concurrent requests per instance', min: 1, max: 1024, step: 1 },
  { name: 'serviceTimeMeanMs', label: 'Origin service time, mean (ms)', min: 1, max: 2000, step: 1 },
  { name: 'burstiness', label: 'Burstiness (SCV of arrival gaps)', min: 0, max: 10, step: 0.1, hint: '1 = Poisson arrivals; higher is burstier.' },
] as const;

interface Scenario {
  opId: string;
  traffic: 'all' | 'tenant';
  windowMinutes: number;
  loadFactor: number;
  /** Only the fields the user submitted: the rest stay on their baseline (observed or catalog). */
  overrides: Record<string, number>;
}

function readScenario(ctx: PageContext, ops: ServiceOp[]): Scenario {
  const q = ctx.query;
  const opId = ops.some((o) => o.id === q.get('op')) ? q.get('op')! : ops[0]!.id;
  const platform = ctx.claims.roles.includes('platform-admin');
  const traffic = q.get('traffic') === 'all' || q.get('traffic') === 'tenant' ? (q.get('traffic') as 'all' | 'tenant') : platform ? 'all' : 'tenant';
  const windowMinutes = [60, 360, 1440, 10080].includes(Number(q.get('window'))) ? Number(q.get('window')) : 60;
  const overrides: Record<string, number> = {};
  // A slider only overrides once it was submitted for this op; switching op resets to its baseline.
  if (q.get('for') === opId) {
    for (const s of SLIDERS) {
      if (q.has(s.name) || q.has(`${s.name}__range`)) overrides[s.name] = sliderValue(q, s.name, NaN, s.min, s.max);
    }
  }
  for (const k of Object.keys(overrides)) if (!Number.isFinite(overrides[k]!)) delete overrides[k];
  const loadFactor = sliderValue(q, 'loadFactor', 1, 0, MAX_SWEEP_LOAD_FACTOR);
  return { opId, traffic, windowMinutes, loadFactor, overrides };
}

function request(ctx: PageContext, s: Scenario, loadFactors: number[]) {
  const base = { opId: s.opId, windowMinutes: s.windowMinutes, ...(s.traffic === 'tenant' ? { tenant: ctx.tenant } : {}) };
  return ctx.api.send<SweepAnswer>('POST', '/v1/catalog/whatif/sweep', { ...base, overrides: s.overrides, loadFactors });
}

/** The scenario at today's load: its inputs (baseline or overridden) and utilisation. */
const probe = (ctx: PageContext, s: Scenario) => request(ctx, s, [1]);

/** The sweep sized from the probe: up to and just past the load at which the origin saturates. */
const planOf = (probed: Awaited<ReturnType<typeof probe>>, s: Scenario): SweepPlan => planSweep(probed.ok ? probed.data.points[0]?.rho : undefined, s.loadFactor);

const factor = (x: number) => `×${Number(x.toPrecision(3))}`;

/** Where the origin saturates, in words: the chart marks the same load. */
function SaturationNote({ plan, today }: { plan: SweepPlan; today: SweepPoint | undefined }) {
  if (plan.saturatesAt === null) return <p>Nothing reaches the origin at this scenario's load (no requests, or every one a hit), so no load factor saturates it.</p>;
  const rate = today ? ` (about ${Number((today.lambda * plan.saturatesAt).toPrecision(3))} client requests/s)` : '';
  if (plan.saturatesAt > MAX_SWEEP_LOAD_FACTOR) {
    return (
      <p data-saturates-at={plan.saturatesAt}>
        The origin would saturate only at load {factor(plan.saturatesAt)}
        {rate}, beyond the ×{MAX_SWEEP_LOAD_FACTOR.toLocaleString('en')} this calculator sweeps.
      </p>
    );
  }
  return (
    <p data-saturates-at={plan.saturatesAt}>
      The origin saturates (ρ = 1) from load <strong>{factor(plan.saturatesAt)}</strong>
      {rate}: latency climbs steeply as it gets close and is not charted beyond it.
    </p>
  );
}

const money = (micros: string | null) => (micros === null ? null : Number(micros) / 1e6);
const met = (m: boolean | null) => (m === null ? '' : m ? ' ✓ meets target' : ' ✗ misses target');

async function Results({ ctx, s, plan }: { ctx: PageContext; s: Scenario; plan: SweepPlan }) {
  const sweep = await request(ctx, s, plan.loadFactors);
  if (!sweep.ok) {
    if (ctx.status === 200 && !sweep.unavailable) ctx.status = sweep.status;
    return <Problem problem={sweep} what={s.traffic === 'all' ? "run a what-if over every tenant's traffic" : `run a what-if over tenant ${ctx.tenant}'s traffic`} />;
  }
  const { op, inputs, points, observed } = sweep.data;
  const here = points.find((p) => p.loadFactor === s.loadFactor) ?? points[0]!;
  const bt = (await latestBacktests(ctx.api)).byOp.get(op.id);
  const series = (pick: (p: SweepPoint) => number | null) => points.flatMap((p) => (pick(p) === null ? [] : [{ x: p.loadFactor, y: pick(p)! }]));
  const formatX = (x: number) => `×${Number(x.toFixed(2))}`;
  const xMarks = plan.saturatesAt === null ? [] : [{ x: plan.saturatesAt, label: 'saturation (ρ = 1)' }];
  return (
    <>
      <h2 id="estimate-heading">
        Estimate for {op.name} at load ×{s.loadFactor}
      </h2>
      <p>
        <a href={`/admin/download/what-if-sweep.csv?${ctx.query.toString()}`}>Download the sweep as CSV</a>
      </p>
      <table aria-labelledby="estimate-heading" class="estimate">
        <tbody>
          <tr>
            <th scope="row">Client requests</th>
            <td class="num" data-metric="lambda">{here.lambda.toFixed(2)} req/s</td>
          </tr>
          <tr>
            <th scope="row">Reaching the origin (misses)</th>
            <td class="num">{here.originLambda.toFixed(2)} req/s</td>
          </tr>
          <tr>
            <th scope="row">Origin utilisation ρ</th>
            <td class="num">{percent(here.rho)}</td>
          </tr>
          <tr>
            <th scope="row">p50 latency</th>
            <td class="num" data-metric="p50">{here.saturated ? 'saturated' : ms(here.p50Ms)}</td>
          </tr>
          <tr>
            <th scope="row">p95 latency (target {op.p95TargetMs} ms)</th>
            <td class="num" data-metric="p95">
              {here.saturated ? 'saturated' : ms(here.p95Ms)}
              {met(here.p95TargetMet)}
            </td>
          </tr>
          <tr>
            <th scope="row">p99 latency (target {op.p99TargetMs} ms)</th>
            <td class="num" data-metric="p99">
              {here.saturated ? 'saturated' : ms(here.p99Ms)}
              {met(here.p99TargetMet)}
            </td>
          </tr>
          <tr>
            <th scope="row">Cost per hour</th>
            <td class="num">{usd(here.costPerHourMicros)}</td>
          </tr>
          <tr>
            <th scope="row">Cost per million requests</th>
            <td class="num">{usd(here.costPerMillionRequestsMicros)}</td>
          </tr>
          <tr>
            <th scope="row">Prediction error (latest backtest)</th>
            <td class="num">
              <BacktestNote bt={bt} />
            </td>
          </tr>
        </tbody>
      </table>
      {here.saturated && (
        <p class="notice error" role="alert">
          At this load the origin is saturated (ρ ≥ 1): the queue grows without bound. Add instances or concurrency, or raise the hit ratio.
        </p>
      )}
      <SaturationNote plan={plan} today={points.find((p) => p.loadFactor === 1)} />
      <h2>Latency vs load</h2>
      <LineChart
        id="chart-latency"
        title={`${op.name}: p95 and p99 latency vs load factor`}
        xLabel="load factor (× baseline arrival rate)"
        yLabel="latency (ms)"
        formatX={formatX}
        markerX={s.loadFactor}
        xMarks={xMarks}
        series={[
          { name: 'p95', points: series((p) => p.p95Ms) },
          { name: 'p99', points: series((p) => p.p99Ms) },
          { name: `p95 target`, points: points.map((p) => ({ x: p.loadFactor, y: op.p95TargetMs })) },
          { name: `p99 target`, points: points.map((p) => ({ x: p.loadFactor, y: op.p99TargetMs })) },
        ]}
      />
      <h2>Cost vs load</h2>
      <LineChart
        id="chart-cost"
        title={`${op.name}: cost per hour vs load factor`}
        xLabel="load factor (× baseline arrival rate)"
        yLabel="USD per hour"
        formatX={formatX}
        formatY={(y) => `$${y < 1 ? y.toFixed(4) : y.toFixed(2)}`}
        markerX={s.loadFactor}
        xMarks={xMarks}
        series={[{ name: 'cost per hour', points: series((p) => money(p.costPerHourMicros)) }]}
      />
      <LineChart
        id="chart-cost-per-request"
        title={`${op.name}: cost per million requests vs load factor`}
        xLabel="load factor (× baseline arrival rate)"
        yLabel="USD per million requests"
        formatX={formatX}
        formatY={(y) => `$${y < 1 ? y.toFixed(4) : y.toFixed(2)}`}
        markerX={s.loadFactor}
        xMarks={xMarks}
        series={[{ name: 'cost per million requests', points: series((p) => money(p.costPerMillionRequestsMicros)) }]}
      />
      <h2 id="inputs-heading">Inputs</h2>
      <table aria-labelledby="inputs-heading">
        <thead>
          <tr>
            <th scope="col">Input</th>
            <th scope="col" class="num">Value</th>
            <th scope="col">Source</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(inputs).map(([k, v]) => (
            <tr>
              <th scope="row">{k}</th>
              <td class="num">{Number(v.value.toFixed(4))}</td>
              <td>{v.source}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="detail">
        Observed window {observed.window.from} – {observed.window.to} ({observed.tenant ? `tenant ${observed.tenant}` : 'all tenants'}): {observed.requests} requests,{' '}
        {observed.originSamples} origin samples. Inputs without observations fall back to the catalog.
      </p>
    </>
  );
}

/** POST /v1/catalog/whatif/sweep?format=csv for the scenario in the page's query (the download link). */
export async function sweepCsvRequest(ctx: PageContext): Promise<{ path: string; body: unknown }> {
  const ops = await ctx.api.get<{ ops: ServiceOp[] }>('/v1/catalog/ops');
  const list = ops.ok && ops.data.ops.length > 0 ? ops.data.ops : [{ id: ctx.query.get('op') ?? '' } as ServiceOp];
  const s = readScenario(ctx, list);
  const probed = await probe(ctx, s);
  const { loadFactors } = planOf(probed, s);
  const body = { opId: s.opId, windowMinutes: s.windowMinutes, ...(s.traffic === 'tenant' ? { tenant: ctx.tenant } : {}), overrides: s.overrides, loadFactors };
  return { path: '/v1/catalog/whatif/sweep?format=csv', body };
}

export const whatIfPage: Page = {
  path: '/what-if',
  title: 'What-if calculator',
  nav: 'What-if',
  async render(ctx) {
    const ops = await ctx.api.get<{ ops: ServiceOp[] }>('/v1/catalog/ops');
    if (!ops.ok) {
      if (!ops.unavailable) ctx.status = ops.status;
      return <Problem problem={ops} what="use the what-if calculator" />;
    }
    if (ops.data.ops.length === 0) return <Empty>The catalog has no operations to run a what-if on.</Empty>;
    const s = readScenario(ctx, ops.data.ops);
    // Slider positions: the scenario's inputs (observed, else catalog, unless overridden).
    const probed = await probe(ctx, s);
    const inputs = probed.ok ? probed.data.inputs : undefined;
    const plan = planOf(probed, s);
    const maxLoad = Math.max(plan.maxLoad, Math.ceil(s.loadFactor));
    // Awaited here, not rendered lazily, so a refusal inside sets the page's status before it is sent.
    const results = await Results({ ctx, s, plan });
    const value = (name: string, fallback: number) => s.overrides[name] ?? (inputs?.[name as keyof Inputs]?.value as number | undefined) ?? fallback;
    return (
      <>
        <p>
          Predicts an operation's latency and cost if its load, cache hit ratio or origin capacity change. Baselines come from the edge's observed
          traffic, else the catalog. <a href="/admin/catalog">Edit targets and fallbacks in the catalog.</a>
        </p>
        <form method="get" action="/admin/what-if" data-live="/admin/what-if/fragment" data-target="whatif-results" aria-describedby="whatif-help">
          <input type="hidden" name="for" value={s.opId} />
          <fieldset>
            <legend>Scenario</legend>
            <div class="field">
              <label for="f-op">Operation</label>
              <select id="f-op" name="op" data-no-live aria-describedby="f-op-hint">
                {ops.data.ops.map((o) => (
                  <option value={o.id} selected={o.id === s.opId}>
                    {o.name} ({o.id})
                  </option>
                ))}
              </select>
              <span class="hint" id="f-op-hint">
                After picking another operation, press Calculate to load its baseline.
              </span>
            </div>
            <div class="field">
              <label for="f-traffic">Observed traffic of</label>
              <select id="f-traffic" name="traffic">
                <option value="all" selected={s.traffic === 'all'}>
                  every tenant (platform admins)
                </option>
                <option value="tenant" selected={s.traffic === 'tenant'}>
                  tenant {ctx.tenant}
                </option>
              </select>
            </div>
            <div class="field">
              <label for="f-window">Observation window</label>
              <select id="f-window" name="window">
                {[
                  [60, 'last hour'],
                  [360, 'last 6 hours'],
                  [1440, 'last day'],
                  [10080, 'last week'],
                ].map(([v, l]) => (
                  <option value={v} selected={v === s.windowMinutes}>
                    {l}
                  </option>
                ))}
              </select>
            </div>
            <Slider name="loadFactor" label="Load factor (× baseline arrival rate)" value={s.loadFactor} min={0} max={maxLoad} step={loadStep(maxLoad)} hint="1 = today's traffic; 2 = twice as many requests." />
            {SLIDERS.map((sl) => {
              const v = value(sl.name, sl.min);
              return <Slider name={sl.name} label={sl.label} value={Number(v.toFixed(4))} min={sl.min} max={Math.max(sl.max, Math.ceil(v))} step={sl.step} hint={'hint' in sl ? sl.hint : undefined} />;
            })}
            <p id="whatif-help" class="hint">
              With JavaScript the estimate and charts update as you move a slider; without it, press Calculate.
            </p>
            <button type="submit">Calculate</button>
          </fieldset>
        </form>
        <div id="whatif-results" aria-live="polite">
          {results}
        </div>
      </>
    );
  },
  async fragment(ctx) {
    const ops = await ctx.api.get<{ ops: ServiceOp[] }>('/v1/catalog/ops');
    if (!ops.ok) return <Problem problem={ops} what="use the what-if calculator" />;
    if (ops.data.ops.length === 0) return <Empty>The catalog has no operations to run a what-if on.</Empty>;
    const s = readScenario(ctx, ops.data.ops);
    const probed = await probe(ctx, s);
    return Results({ ctx, s, plan: planOf(probed, s) });
  },
};
