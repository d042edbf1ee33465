import { describe, expect, it } from 'vitest';
import { LineChart, niceTicks } from './chart.tsx';

describe('LineChart', () => {
  it('puts axis labels on round numbers', () => {
    expect(niceTicks(0, 50)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(niceTicks(0.25, 3)).toEqual([0.5, 1, 1.5, 2, 2.5, 3]);
    expect(niceTicks(5, 5)).toEqual([5]);
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
