import { randomUUID } from 'node:crypto';
import { emptyHistogram, record, type Histogram } from '@conductor/schema/contracts/latency-histogram';
import type { CacheStatus, EdgeMetricSeries, EdgeMetricsBatch, EdgePurgeAck } from '@conductor/schema/contracts/metrics';
import type { TestApp } from '../testing/app.ts';

/** The edge's service credential, as scripts/stack.ts mints it. */
export const EDGE_TOKEN = { tenant: 'conductor', sub: 'service:edge', roles: ['edge'], scopes: ['edge.config', 'edge.metrics'] };

export const OP_A = `sha256:${'a'.repeat(64)}`;
export const OP_B = `sha256:${'b'.repeat(64)}`;

export function histogramOf(samplesMs: number[]): Histogram {
  const h = emptyHistogram();
  for (const ms of samplesMs) record(h, ms);
  return h;
}

/** One series the way the edge builds it: per-request latencies recorded into the contract's histograms. */
export function series(opts: {
  minute: number;
  tenant?: string;
  opId?: string;
  opName?: string;
  status: CacheStatus;
  totalMs: number[];
  originMs?: number[];
  bytes?: number;
}): EdgeMetricSeries {
  return {
    minute: opts.minute,
    tenant: opts.tenant ?? 'acme',
    opId: opts.opId ?? OP_A,
    opName: opts.opName ?? 'GetEntity',
    status: opts.status,
    bytes: opts.bytes ?? opts.totalMs.length * 100,
    total: histogramOf(opts.totalMs),
    origin: opts.originMs ? histogramOf(opts.originMs) : null,
  };
}

export function batch(parts: { series?: EdgeMetricSeries[]; purges?: EdgePurgeAck[]; purgeFailures?: { tenant: string; count: number }[]; sentAt?: Date }): EdgeMetricsBatch {
  return {
    batchId: randomUUID(),
    sentAt: (parts.sentAt ?? new Date()).toISOString(),
    series: parts.series ?? [],
    purges: parts.purges ?? [],
    purgeFailures: parts.purgeFailures ?? [],
  };
}

/** POSTs a batch as the edge does; throws unless it was accepted. */
export async function ingest(t: TestApp, body: EdgeMetricsBatch): Promise<{ accepted: true; duplicate: boolean }> {
  const res = await t.call('POST', '/v1/metrics/edge', { token: await t.token(EDGE_TOKEN), body });
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { accepted: true; duplicate: boolean };
}

/** Start of the current minute minus `n` minutes, epoch ms. */
export function minutesAgo(n: number, now = Date.now()): number {
  return Math.floor(now / 60_000) * 60_000 - n * 60_000;
}

export interface ParsedFamily {
  name: string;
  help: string;
  type: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A strict reader of the Prometheus text format 0.0.4, for tests: throws on any line a
 * Prometheus server would reject (bad names, unescaped label values, samples of an undeclared
 * family, duplicate series, HELP/TYPE after samples).
 */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, ParsedFamily>();
  const seen = new Set<string>();
  let current: ParsedFamily | undefined;
  for (const [n, line] of text.slice(0, -1).split('\n').entries()) {
    const where = `line ${n + 1} "${line}"`;
    if (line.startsWith('# HELP ')) {
      const [, name, help = ''] = /^# HELP (\S+) ?(.*)$/.exec(line) ?? [];
      if (!name || !METRIC_NAME.test(name) || families.has(name)) throw new Error(`${where}: bad or repeated HELP`);
      current = { name, help: help.replace(/\\n/g, '\n').replace(/\\\\/g, '\\'), type: '', samples: [] };
      families.set(name, current);
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [, name, type] = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line) ?? [];
      if (!current || name !== current.name || current.type || current.samples.length > 0) throw new Error(`${where}: TYPE out of place`);
      current.type = type!;
      continue;
    }
    if (line.startsWith('#') || line === '') throw new Error(`${where}: unexpected comment or blank line`);
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`${where}: not a sample`);
    const [, name, , body = '', raw] = match;
    const labels: Record<string, string> = {};
    let rest = body;
    while (rest.length > 0) {
      const label = /^([^=]+)="((?:[^"\\]|\\[\\"n])*)"(,|$)/.exec(rest);
      if (!label || !LABEL_NAME.test(label[1]!) || label[1]! in labels) throw new Error(`${where}: bad labels`);
      labels[label[1]!] = label[2]!.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
      rest = rest.slice(label[0].length);
    }
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    if (raw !== 'NaN' && Number.isNaN(value)) throw new Error(`${where}: bad value`);
    const suffixes = current?.type === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
    if (!current || !suffixes.some((s) => name === `${current!.name}${s}`)) throw new Error(`${where}: sample outside its family`);
    const id = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(id)) throw new Error(`${where}: duplicate series`);
    seen.add(id);
    current.samples.push({ name: name!, labels, value });
  }
  for (const f of families.values()) if (!f.type) throw new Error(`family ${f.name} has no TYPE`);
  return families;
}
