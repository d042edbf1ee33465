/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';

/**
 * The caption every chart carries: a legend (each series' swatch and name) and the plotted numbers
 * as a collapsible table, so screen readers and anyone who wants the figures get the data, not a
 * picture. Shared by the line and bar charts, which differ only in their swatches and rows.
 */
export interface ChartCaptionProps {
  title: string;
  legend: { name: string; swatch: Child }[];
  /** Header of the row-label column. */
  corner: string;
  columns: string[];
  rows: { label: string; cells: string[] }[];
}

export function ChartCaption(props: ChartCaptionProps) {
  return (
    <figcaption>
      <ul class="legend">
        {props.legend.map((l) => (
          <li>
            {l.swatch} {l.name}
          </li>
        ))}
      </ul>
      <details>
        <summary>Data table: {props.title}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{props.corner}</th>
              {props.columns.map((n) => (
                <th scope="col">{n}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <th scope="row">{r.label}</th>
                {r.cells.map((v) => (
                  <td>{v}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figcaption>
  );
}
