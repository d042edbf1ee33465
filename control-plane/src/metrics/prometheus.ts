/*
 * Prometheus text exposition format 0.0.4, and OpenTelemetry metric names converted the way the
 * OpenTelemetry → Prometheus compatibility spec says (so the same instrument reads alike in an
 * OTel pipeline and in a scrape). Pure.
 */

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'gauge' | 'counter' | 'histogram';

/** An OpenTelemetry-style instrument: dotted name, UCUM unit (`ms`, `1`, `{purge}`, `{invalidation}/min`). */
export interface Instrument {
  name: string;
  unit: string;
  type: MetricType;
  help: string;
}

// UCUM units the spec maps to words; anything else is kept as written (sanitised).
const UNIT_WORDS: Record<string, string> = {
  ms: 'milliseconds',
  s: 'seconds',
  min: 'minutes',
  h: 'hours',
  d: 'days',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  '%': 'percent',
};
const PER_UNIT_WORDS: Record<string, string> = { s: 'second', min: 'minute', h: 'hour', d: 'day' };

function sanitise(text: string): string {
  return text.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '');
}

/** `{…}` annotations are dropped; `a/b` becomes `a_per_b`; `1` on a gauge becomes `ratio`. */
export function unitSuffix(unit: string, type: MetricType): string {
  const plain = unit.replace(/\{[^}]*\}/g, '').trim();
  if (plain === '1') return type === 'gauge' ? 'ratio' : '';
  if (plain === '') return '';
  const [numerator = '', denominator] = plain.split('/', 2);
  const head = UNIT_WORDS[numerator] ?? numerator;
  if (denominator === undefined) return sanitise(head);
  const tail = PER_UNIT_WORDS[denominator] ?? UNIT_WORDS[denominator] ?? denominator;
  return sanitise(head ? `${head}_per_${tail}` : `per_${tail}`);
}

/** Prometheus name of an instrument: sanitised, unit appended unless already there, `_total` on counters. */
export function prometheusName(instrument: Pick<Instrument, 'name' | 'unit' | 'type'>): string {
  let name = sanitise(instrument.name);
  if (/^[0-9]/.test(name)) name = `_${name}`;
  const unit = unitSuffix(instrument.unit, instrument.type);
  if (unit && !`_${name}`.endsWith(`_${unit}`)) name = `${name}_${unit}`;
  if (instrument.type === 'counter' && !name.endsWith('_total')) name = `${name}_total`;
  return name;
}

export type Labels = Record<string, string>;

export interface Sample {
  labels: Labels;
  value: number;
}

export interface HistogramSample {
  labels: Labels;
  /** Cumulative counts per upper bound (ascending, +Inf excluded), plus the totals. */
  buckets: { le: number; count: number }[];
  count: number;
  sum: number;
}

export type Family = (Instrument & { type: 'gauge' | 'counter'; samples: Sample[] }) | (Instrument & { type: 'histogram'; samples: HistogramSample[] });

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const entries = Object.entries(labels);
  if (extra) entries.push(extra);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${sanitise(k)}="${escapeLabelValue(v)}"`).join(',')}}`;
}

/** One family: `# HELP`, `# TYPE`, then its samples (histograms as `_bucket` with `le`, `_sum`, `_count`). */
export function renderFamily(family: Family): string {
  const name = prometheusName(family);
  const lines = [`# HELP ${name} ${escapeHelp(family.help)}`, `# TYPE ${name} ${family.type}`];
  if (family.type === 'histogram') {
    for (const s of family.samples) {
      for (const b of s.buckets) lines.push(`${name}_bucket${labelText(s.labels, ['le', formatValue(b.le)])} ${b.count}`);
      lines.push(`${name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${s.count}`);
      lines.push(`${name}_sum${labelText(s.labels)} ${formatValue(s.sum)}`);
      lines.push(`${name}_count${labelText(s.labels)} ${s.count}`);
    }
  } else {
    for (const s of family.samples) lines.push(`${name}${labelText(s.labels)} ${formatValue(s.value)}`);
  }
  return lines.join('\n');
}

export function renderExposition(families: Family[]): string {
  return `${families.map(renderFamily).join('\n')}\n`;
}
