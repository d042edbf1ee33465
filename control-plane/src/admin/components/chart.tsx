/** @jsxImportSource hono/jsx */
import { ChartCaption } from './chart-caption.tsx';
import { niceScale, niceTicks } from './ticks.ts';

/**
 * A small server-rendered SVG line chart (no chart library: a few axes, polylines and a data table
 * are all these pages need, and it renders without JavaScript). The figure carries a text
 * description and the numbers themselves in a table, so screen readers get the data, not a picture.
 */
export interface Series {
  name: string;
  points: { x: number; y: number }[];
}

export interface LineChartProps {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  formatX?: (x: number) => string;
  formatY?: (y: number) => string;
  /** Vertical marker, e.g. the current load factor. */
  markerX?: number;
  /** Labelled vertical lines, e.g. where the origin saturates; also named in the description. */
  xMarks?: { x: number; label: string }[];
  /** The y axis counts things (purges, requests): whole-number ticks only. */
  yInteger?: boolean;
  /** Fixed x range (e.g. a report's time window) instead of the data's extent. */
  xDomain?: [number, number];
  /** Positions of the x-axis labels; default: round numbers across the range. */
  xTicks?: number[];
}

const W = 640;
const H = 280;
const M = { top: 16, right: 16, bottom: 44, left: 64 };
const COLOURS = ['#1f5fbf', '#b3261e', '#2e7d32', '#8e24aa', '#ef6c00'];
const DASHES = ['', '6 4', '2 3', '8 3 2 3', '1 2'];

const plain = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

export function LineChart(props: LineChartProps) {
  const formatX = props.formatX ?? plain;
  const formatY = props.formatY ?? (props.yInteger ? (y: number) => y.toFixed(0) : plain);
  const all = props.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (all.length === 0) return <p class="empty">No data to chart.</p>;
  const xMin = props.xDomain?.[0] ?? Math.min(...all.map((p) => p.x));
  const xMax0 = props.xDomain?.[1] ?? Math.max(...all.map((p) => p.x));
  const xMax = xMax0 === xMin ? xMin + 1 : xMax0;
  const yScale = niceScale(Math.min(0, ...all.map((p) => p.y)), Math.max(...all.map((p) => p.y)), { integer: props.yInteger ?? false });
  const [yMin, yMax] = [yScale.min, yScale.max];
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const sx = (x: number) => M.left + ((x - xMin) / (xMax - xMin)) * iw;
  const sy = (y: number) => M.top + ih - ((y - yMin) / (yMax - yMin || 1)) * ih;
  const yTicks = yScale.ticks;
  const xTicks = (props.xTicks ?? niceTicks(xMin, xMax)).filter((t) => t >= xMin && t <= xMax);
  const titleId = `${props.id}-title`;
  const descId = `${props.id}-desc`;
  const marks = (props.xMarks ?? []).filter((m) => m.x >= xMin && m.x <= xMax);
  const desc = [
    ...props.series.map((s) => {
      const ys = s.points.map((p) => p.y);
      return `${s.name}: ${s.points.length} points, from ${formatY(ys[0] ?? 0)} to ${formatY(ys[ys.length - 1] ?? 0)}, peak ${formatY(Math.max(...ys))}`;
    }),
    ...marks.map((m) => `${m.label} at ${formatX(m.x)}`),
  ].join('; ');
  const xs = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
  return (
    <figure class="chart" id={props.id}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${titleId} ${descId}`} data-series={props.series.length}>
        <title id={titleId}>{props.title}</title>
        <desc id={descId}>{desc}</desc>
        <g class="grid">
          {yTicks.map((t) => (
            <g>
              <line x1={M.left} x2={W - M.right} y1={sy(t)} y2={sy(t)} stroke="#d0d4da" stroke-width="1" />
              <text class="y-tick" x={M.left - 6} y={sy(t) + 4} text-anchor="end" font-size="11" fill="#333">
                {formatY(t)}
              </text>
            </g>
          ))}
          {xTicks.map((t) => (
            <text x={sx(t)} y={H - M.bottom + 16} text-anchor="middle" font-size="11" fill="#333">
              {formatX(t)}
            </text>
          ))}
        </g>
        <line x1={M.left} x2={M.left} y1={M.top} y2={M.top + ih} stroke="#333" />
        <line x1={M.left} x2={W - M.right} y1={M.top + ih} y2={M.top + ih} stroke="#333" />
        <text x={M.left + iw / 2} y={H - 6} text-anchor="middle" font-size="12" fill="#111">
          {props.xLabel}
        </text>
        <text x={14} y={M.top + ih / 2} text-anchor="middle" font-size="12" fill="#111" transform={`rotate(-90 14 ${M.top + ih / 2})`}>
          {props.yLabel}
        </text>
        {props.markerX !== undefined && props.markerX >= xMin && props.markerX <= xMax && (
          <line class="marker" x1={sx(props.markerX)} x2={sx(props.markerX)} y1={M.top} y2={M.top + ih} stroke="#555" stroke-dasharray="3 3" />
        )}
        {marks.map((m) => (
          <g class="x-mark" data-x={m.x}>
            <line x1={sx(m.x)} x2={sx(m.x)} y1={M.top} y2={M.top + ih} stroke="#8c1d18" stroke-width="1.5" stroke-dasharray="8 4" />
            {/* In the top margin, above the plotted lines. */}
            <text x={sx(m.x)} y={M.top - 4} text-anchor="end" font-size="11" fill="#8c1d18">
              {m.label}
            </text>
          </g>
        ))}
        {props.series.map((s, i) => (
          <g class="series" data-name={s.name}>
            <polyline
              fill="none"
              stroke={COLOURS[i % COLOURS.length]}
              stroke-width="2.5"
              stroke-dasharray={DASHES[i % DASHES.length] || undefined}
              points={s.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')}
            />
            {s.points.map((p) => (
              <circle cx={sx(p.x).toFixed(1)} cy={sy(p.y).toFixed(1)} r="3" fill={COLOURS[i % COLOURS.length]} />
            ))}
          </g>
        ))}
      </svg>
      <ChartCaption
        title={props.title}
        legend={props.series.map((s, i) => ({
          name: s.name,
          swatch: (
            <svg width="28" height="10" aria-hidden="true">
              <line x1="0" x2="28" y1="5" y2="5" stroke={COLOURS[i % COLOURS.length]} stroke-width="3" stroke-dasharray={DASHES[i % DASHES.length] || undefined} />
            </svg>
          ),
        }))}
        corner={props.xLabel}
        columns={props.series.map((s) => s.name)}
        rows={xs.map((x) => ({
          label: formatX(x),
          cells: props.series.map((s) => {
            const p = s.points.find((q) => q.x === x);
            return p ? formatY(p.y) : '—';
          }),
        }))}
      />
    </figure>
  );
}
