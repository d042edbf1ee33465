import { describe, expect, it } from 'vitest';
import { LineChart } from './chart.tsx';

/** The y-axis labels of a rendered chart, bottom to top. */
const yLabels = (html: string) => [...html.matchAll(/<text class="y-tick"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('LineChart', () => {
  it('labels a count axis with whole numbers only', async () => {
    const counts = { id: 'c', title: 'Purges', xLabel: 'time', yLabel: 'purges', series: [{ name: 'acme', points: [{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 2, y: 0 }] }] };
    expect(yLabels(String(await LineChart({ ...counts, yInteger: true })))).toEqual(['0', '1']);
    const more = { ...counts, yInteger: true, series: [{ name: 'acme', points: [{ x: 0, y: 3 }, { x: 1, y: 7 }] }] };
    expect(yLabels(String(await LineChart(more)))).toEqual(['0', '2', '4', '6', '8']);
    // A continuous quantity keeps fractional steps.
    expect(yLabels(String(await LineChart({ ...counts, formatY: (y: number) => y.toFixed(1) })))).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
  });

  it('draws labelled marks and names them in the description', async () => {
    const html = String(
      await LineChart({ id: 'w', title: 'Latency', xLabel: 'load', yLabel: 'ms', series: [{ name: 'p95', points: [{ x: 1, y: 10 }, { x: 9, y: 90 }] }], xMarks: [{ x: 8, label: 'saturation' }, { x: 20, label: 'off the chart' }] }),
    );
    expect(html.match(/class="x-mark"/g)).toHaveLength(1);
    expect(html).toContain('>saturation</text>');
    expect(html).toMatch(/<desc id="w-desc">[^<]*saturation at 8\.00<\/desc>/);
  });

  it('draws one polyline per series, skips nothing, and escapes names', async () => {
    const html = String(
      await LineChart({
        id: 'c',
        title: 'Latency <b>',
        xLabel: 'x',
        yLabel: 'y',
        series: [
          { name: 'p95 <script>', points: [{ x: 1, y: 10 }, { x: 2, y: 20 }] },
          { name: 'p99', points: [{ x: 1, y: 15 }, { x: 2, y: 30 }] },
        ],
      }),
    );
    expect(html.match(/<polyline/g)).toHaveLength(2);
    expect(html).toContain('p95 &lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<title id="c-title">Latency &lt;b&gt;</title>');
    // The numbers are in the data table too.
    expect(html).toMatch(/<td>20\.0<\/td><td>30\.0<\/td>/);
  });

  it('says so instead of drawing an empty chart', async () => {
    expect(String(await LineChart({ id: 'c', title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: [] }] }))).toContain('No data to chart.');
  });
});
