/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { query, type ApiResult } from '../api.ts';
import { BarChart } from '../components/bar-chart.tsx';
import { LineChart } from '../components/chart.tsx';
import { Empty, Problem } from '../components/messages.tsx';
import { opLabel, opNames, OpRef } from '../components/op-ref.tsx';
import type { Page, PageContext } from '../page.ts';
import type { Alert } from '@conductor/schema/contracts/alerts';
// The JSON shapes of /v1/reports/*, from their contract (types only).
import type { HitRatioReport, InvalidationsReport, OpFigures as P95Row, UnacknowledgedReport } from '@conductor/schema/contracts/reports';
import { ms, percent } from './util.ts';


const WINDOWS: [minutes: number, label: string, step: number][] = [
  [60, 'last hour', 1],
  [360, 'last 6 hours', 5],
  [1440, 'last day', 15],
  [10080, 'last week', 60],
];

function filters(ctx: PageContext) {
  const q = ctx.query;
  const windowMinutes = WINDOWS.some(([m]) => m === Number(q.get('window'))) ? Number(q.get('window')) : 60;
  const step = WINDOWS.find(([m]) => m === windowMinutes)![2];
  const scope = q.get('scope') === 'all' ? 'all' : 'tenant';
  const op = (q.get('op') ?? '').trim().slice(0, 200);
  const to = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 60_000);
  const from = new Date(to.getTime() - windowMinutes * 60_000);
  const tenant = scope === 'tenant' ? ctx.tenant : undefined;
  return { windowMinutes, step, scope, op, from: from.toISOString(), to: to.toISOString(), tenant };
}

/** Time-axis ticks on whole minutes/hours/days across [from, to]. */
function timeTicks(from: number, to: number): number[] {
  const minutes = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880];
  const stepMin = minutes.find((m) => (to - from) / (m * 60_000) <= 6) ?? 2880;
  const step = stepMin * 60_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return ticks;
}

/** Time-axis labels: HH:MM within a day, MM-DD HH:MM beyond. */
const clockFor = (windowMinutes: number) => (x: number) => {
  const iso = new Date(x).toISOString();
  return windowMinutes > 1440 ? iso.slice(5, 16).replace('T', ' ') : iso.slice(11, 16);
};

function Section({ id, title, csv, children }: { id: string; title: string; csv?: string | undefined; children?: Child }) {
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {csv && (
        <p>
          <a href={csv}>Download CSV</a>
        </p>
      )}
      {children}
    </section>
  );
}

function failed<T>(res: ApiResult<T>, what: string, ctx: PageContext) {
  if (res.ok) return null;
  if (res.status === 403 && ctx.status === 200) ctx.status = 403;
  return <Problem problem={res} what={what} />;
}

export const reportsPage: Page = {
  path: '/reports',
  title: 'Reports',
  nav: 'Reports',
  async render(ctx) {
    const f = filters(ctx);
    const base = { tenant: f.tenant, op: f.op || undefined, from: f.from, to: f.to };
    const stepped = { ...base, step: f.step };
    const [p95, hit, inv, unack, alerts, names] = await Promise.all([
      ctx.api.get<{ rows: P95Row[] }>(`/v1/reports/p95-delta${query(base)}`),
      ctx.api.get<HitRatioReport>(`/v1/reports/hit-ratio${query(stepped)}`),
      ctx.api.get<InvalidationsReport>(`/v1/reports/invalidations${query(stepped)}`),
      ctx.api.get<UnacknowledgedReport>(`/v1/reports/unacknowledged-purges${query({ tenant: f.tenant })}`),
      ctx.api.get<{ evaluatedAt: string; alerts: Alert[] }>(`/v1/alerts${query({ tenant: f.tenant })}`),
      opNames(ctx.api),
    ]);
    const dl = (name: string, params: Record<string, string | number | undefined>) => `/admin/download/${name}${query(params)}`;
    const clock = clockFor(f.windowMinutes);
    const who = f.scope === 'all' ? 'every tenant you may read' : `tenant ${ctx.tenant}`;
    return (
      <>
        <form method="get" action="/admin/reports" class="inline" aria-label="Report filters">
          <label for="r-scope">Tenants</label>
          <select id="r-scope" name="scope">
            <option value="tenant" selected={f.scope === 'tenant'}>
              {ctx.tenant}
            </option>
            <option value="all" selected={f.scope === 'all'}>
              every tenant I may read
            </option>
          </select>
          <label for="r-op">Operation</label>
          <input id="r-op" name="op" type="text" value={f.op} placeholder="name or sha256: id" />
          <label for="r-window">Window</label>
          <select id="r-window" name="window">
            {WINDOWS.map(([m, l]) => (
              <option value={m} selected={m === f.windowMinutes}>
                {l}
              </option>
            ))}
          </select>
          <button type="submit">Show</button>
        </form>
        <p class="detail">
          {who}, {f.from} – {f.to}
          {f.op && (
            <>
              , operation {f.op.startsWith('sha256:') ? <OpRef id={f.op} names={names} /> : f.op}
            </>
          )}
          .
        </p>

        <Section id="p95" title="p95 delta: what the cache takes off the 95th percentile" csv={p95.ok ? dl('p95-delta.csv', base) : undefined}>
          {failed(p95, `view latency reports for ${who}`, ctx) ??
            (p95.ok && p95.data.rows.length === 0 ? (
              <Empty>No traffic in this window.</Empty>
            ) : (
              p95.ok && (
                <>
                  <BarChart
                    id="chart-p95"
                    title="p95 latency without the cache (origin) and as served, per tenant and operation"
                    unit="ms"
                    seriesNames={['origin p95', 'served p95']}
                    groups={p95.data.rows.slice(0, 15).map((r) => ({ label: `${r.tenant} · ${opLabel(r.opId, names, r.opName)}`, values: [r.origin.p95Ms, r.served.p95Ms] }))}
                  />
                  <table>
                    <caption class="visually-hidden">p95 delta per tenant and operation</caption>
                    <thead>
                      <tr>
                        <th scope="col">Tenant</th>
                        <th scope="col">Operation</th>
                        <th scope="col" class="num">Requests</th>
                        <th scope="col" class="num">Hit ratio</th>
                        <th scope="col" class="num">Origin p95</th>
                        <th scope="col" class="num">Served p95</th>
                        <th scope="col" class="num">p95 delta</th>
                      </tr>
                    </thead>
                    <tbody>
                      {p95.data.rows.map((r) => (
                        <tr>
                          <td>{r.tenant}</td>
                          <th scope="row">
                            <OpRef id={r.opId} names={names} reported={r.opName} />
                          </th>
                          <td class="num">{r.requests}</td>
                          <td class="num">{percent(r.hitRatio)}</td>
                          <td class="num">{ms(r.origin.p95Ms)}</td>
                          <td class="num">{ms(r.served.p95Ms)}</td>
                          <td class="num">
                            {ms(r.p95DeltaMs)}
                            {r.p95DeltaPct !== null && ` (${r.p95DeltaPct.toFixed(1)} %)`}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </>
              )
            ))}
        </Section>

        <Section id="hit" title="Hit ratio over time" csv={hit.ok ? dl('hit-ratio.csv', stepped) : undefined}>
          {failed(hit, `view hit-ratio reports for ${who}`, ctx) ??
            (hit.ok && hit.data.series.length === 0 ? (
              <Empty>No traffic in this window.</Empty>
            ) : (
              hit.ok && (
                <LineChart
                  id="chart-hit-ratio"
                  title={`Hit ratio per ${hit.data.stepMinutes}-minute step`}
                  xLabel="time (UTC)"
                  yLabel="hit ratio"
                  formatX={clock}
                  xDomain={[Date.parse(f.from), Date.parse(f.to)]}
                  xTicks={timeTicks(Date.parse(f.from), Date.parse(f.to))}
                  formatY={(y) => `${Math.round(y * 100)} %`}
                  series={[...hit.data.series]
                    .sort((a, b) => b.points.reduce((n, p) => n + p.requests, 0) - a.points.reduce((n, p) => n + p.requests, 0))
                    .slice(0, 5)
                    .map((s) => ({
                      name: `${s.tenant} · ${opLabel(s.opId, names, s.opName)}`,
                      points: s.points.flatMap((p) => (p.hitRatio === null ? [] : [{ x: Date.parse(p.at), y: p.hitRatio }])),
                    }))}
                />
              )
            ))}
        </Section>

        <Section id="inv" title="Invalidations" csv={inv.ok ? dl('invalidations.csv', stepped) : undefined}>
          {failed(inv, `view invalidation reports for ${who}`, ctx) ??
            (inv.ok && inv.data.tenants.length === 0 ? (
              <Empty>No invalidations in this window.</Empty>
            ) : (
              inv.ok && (
                <LineChart
                  id="chart-invalidations"
                  title={`Purges applied by the edge per ${inv.data.stepMinutes}-minute step`}
                  xLabel="time (UTC)"
                  yLabel="purges"
                  formatX={clock}
                  xDomain={[Date.parse(f.from), Date.parse(f.to)]}
                  xTicks={timeTicks(Date.parse(f.from), Date.parse(f.to))}
                  yInteger
                  series={[...new Set(inv.data.tenants.map((r) => r.tenant))].map((tenant) => ({
                    name: tenant,
                    points: inv.data.tenants.filter((r) => r.tenant === tenant).map((r) => ({ x: Date.parse(r.at), y: r.purges })),
                  }))}
                />
              )
            ))}
        </Section>

        <Section id="unack" title="Unacknowledged and failed purges" csv={unack.ok ? dl('unacknowledged-purges.csv', { tenant: f.tenant }) : undefined}>
          {failed(unack, `view purge acknowledgements for ${who}`, ctx) ??
            (unack.ok && unack.data.purges.length === 0 ? (
              <Empty>{`Every purge of the last day was acknowledged by the edge within ${unack.data.graceSeconds} s.`}</Empty>
            ) : (
              unack.ok && (
                <table>
                  <caption class="visually-hidden">Purges the edge did not acknowledge, oldest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Purge id</th>
                      <th scope="col">Tenant</th>
                      <th scope="col">Reason</th>
                      <th scope="col">Created</th>
                      <th scope="col" class="num">Age</th>
                    </tr>
                  </thead>
                  <tbody>
                    {unack.data.purges.map((p) => (
                      <tr>
                        <th scope="row">
                          <code>{p.purgeId}</code>
                        </th>
                        <td>{p.tenant}</td>
                        <td>
                          {p.reason}
                          {p.error && <span class="detail"> — {p.error}</span>}
                        </td>
                        <td>{p.createdAt}</td>
                        <td class="num">{Math.round(p.ageSeconds)} s</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )
            ))}
        </Section>

        <Section id="alerts" title="Alerts">
          {failed(alerts, `view alerts for ${who}`, ctx) ??
            (alerts.ok &&
              (alerts.data.alerts.length === 0 ? (
                <Empty>{`No alerts firing or pending (evaluated ${alerts.data.evaluatedAt}).`}</Empty>
              ) : (
                <table>
                  <caption class="visually-hidden">Alerts, firing first, evaluated {alerts.data.evaluatedAt}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Alert</th>
                      <th scope="col">State</th>
                      <th scope="col">Severity</th>
                      <th scope="col">Tenant</th>
                      <th scope="col">Operation</th>
                      <th scope="col">Values (threshold)</th>
                      <th scope="col">Summary</th>
                    </tr>
                  </thead>
                  <tbody>
                    {alerts.data.alerts.map((a) => (
                      <tr>
                        <th scope="row">{a.alertname}</th>
                        <td class={a.state === 'firing' ? 'status-off' : ''}>{a.state}</td>
                        <td>{a.severity}</td>
                        <td>{a.labels.tenant}</td>
                        <td>{a.labels.operation?.startsWith('sha256:') ? <OpRef id={a.labels.operation} names={names} /> : (a.labels.operation ?? '—')}</td>
                        <td>
                          {Object.entries(a.values)
                            .map(([k, v]) => `${k} ${Number(v.toFixed(3))}${k in a.thresholds ? ` (${Number(a.thresholds[k]!.toFixed(3))})` : ''}`)
                            .join(', ')}
                        </td>
                        <td>{a.summary}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )))}
        </Section>
      </>
    );
  },
};
