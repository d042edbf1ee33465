/** @jsxImportSource hono/jsx */
import { ChartCaption } from './chart-caption.tsx';

/**
 * Horizontal grouped bars, server-rendered SVG (e.g. origin vs served p95 per operation), with the
 * numbers repeated in a table for screen readers and anyone who wants the figures.
 */
export interface BarGroup {
  label: string;
  values: (number | null)[];
}

export interface BarChartProps {
  id: string;
  title: string;
  unit: string;
  seriesNames: string[];
  groups: BarGroup[];
  format?: (v: number) => string;
}

const COLOURS = ['#b3261e', '#1f5fbf', '#2e7d32', '#8e24aa'];
const W = 640;
const LABEL_W = 200;
const BAR_H = 14;
const GAP = 10;

export function BarChart(props: BarChartProps) {
  const format = props.format ?? ((v: number) => `${v.toFixed(1)} ${props.unit}`);
  const all = props.groups.flatMap((g) => g.values).filter((v): v is number => v !== null && Number.isFinite(v));
  if (all.length === 0) return <p class="empty">No data to chart.</p>;
  const max = Math.max(...all, 0) || 1;
  const groupH = props.seriesNames.length * BAR_H + GAP;
  const H = props.groups.length * groupH + 10;
  const scale = (v: number) => Math.max(0, (v / max) * (W - LABEL_W - 90));
  return (
    <figure class="chart" id={props.id}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${props.id}-title`}>
        <title id={`${props.id}-title`}>{props.title}</title>
        {props.groups.map((g, gi) => (
          <g class="group" data-label={g.label}>
            <text x={LABEL_W - 8} y={gi * groupH + (props.seriesNames.length * BAR_H) / 2 + 4} text-anchor="end" font-size="11" fill="#111">
              {g.label.length > 30 ? `${g.label.slice(0, 29)}…` : g.label}
            </text>
            {g.values.map((v, si) => (
              <g>
                <rect x={LABEL_W} y={gi * groupH + si * BAR_H} width={v === null ? 0 : scale(v).toFixed(1)} height={BAR_H - 2} fill={COLOURS[si % COLOURS.length]} />
                <text x={LABEL_W + (v === null ? 0 : scale(v)) + 4} y={gi * groupH + si * BAR_H + BAR_H - 4} font-size="10" fill="#333">
                  {v === null ? 'n/a' : format(v)}
                </text>
              </g>
            ))}
          </g>
        ))}
      </svg>
      <ChartCaption
        title={props.title}
        legend={props.seriesNames.map((n, i) => ({
          name: n,
          swatch: (
            <svg width="14" height="10" aria-hidden="true">
              <rect width="14" height="10" fill={COLOURS[i % COLOURS.length]} />
            </svg>
          ),
        }))}
        corner="Row"
        columns={props.seriesNames}
        rows={props.groups.map((g) => ({ label: g.label, cells: g.values.map((v) => (v === null ? '—' : format(v))) }))}
      />
    </figure>
  );
}
