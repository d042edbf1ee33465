import { describe, expect, it } from 'vitest';
import { escapeLabelValue, prometheusName, renderFamily, unitSuffix } from './prometheus.ts';

describe('OpenTelemetry → Prometheus names', () => {
  it.each([
    [{ name: 'conductor.cache.hit_ratio', unit: '1', type: 'gauge' }, 'conductor_cache_hit_ratio'],
    [{ name: 'conductor.cache.invalidations', unit: '{invalidation}/min', type: 'gauge' }, 'conductor_cache_invalidations_per_minute'],
    [{ name: 'conductor.cache.p95_delta', unit: 'ms', type: 'gauge' }, 'conductor_cache_p95_delta_milliseconds'],
    [{ name: 'conductor.edge.request.duration', unit: 'ms', type: 'histogram' }, 'conductor_edge_request_duration_milliseconds'],
    [{ name: 'conductor.purge.unacknowledged', unit: '{purge}', type: 'gauge' }, 'conductor_purge_unacknowledged'],
    [{ name: 'conductor.purge.unacknowledged.oldest_age', unit: 's', type: 'gauge' }, 'conductor_purge_unacknowledged_oldest_age_seconds'],
    [{ name: 'http.server.request.body.size', unit: 'By', type: 'histogram' }, 'http_server_request_body_size_bytes'],
    [{ name: 'conductor.edge.requests', unit: '{request}', type: 'counter' }, 'conductor_edge_requests_total'],
    [{ name: 'system.network.io', unit: 'By/s', type: 'gauge' }, 'system_network_io_bytes_per_second'],
    [{ name: 'already.in_seconds', unit: 's', type: 'gauge' }, 'already_in_seconds'],
    [{ name: 'weird-name/with spaces', unit: '', type: 'gauge' }, 'weird_name_with_spaces'],
    [{ name: '2xx.count', unit: '1', type: 'counter' }, '_2xx_count_total'],
  ] as const)('%o → %s', (instrument, expected) => {
    expect(prometheusName(instrument)).toBe(expected);
  });

  it('drops annotations and maps "1" to ratio only on gauges', () => {
    expect(unitSuffix('{purge}', 'gauge')).toBe('');
    expect(unitSuffix('1', 'counter')).toBe('');
    expect(unitSuffix('1', 'gauge')).toBe('ratio');
  });
});

describe('exposition', () => {
  it('escapes backslashes, quotes and newlines in label values', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it('renders HELP, TYPE and gauge samples', () => {
    const text = renderFamily({ name: 'conductor.cache.hit_ratio', unit: '1', type: 'gauge', help: 'Share\nof hits \\ all', samples: [{ labels: { tenant: 'acme', operation: 'Get"Entity' }, value: 0.75 }] });
    expect(text).toBe(
      ['# HELP conductor_cache_hit_ratio Share\\nof hits \\\\ all', '# TYPE conductor_cache_hit_ratio gauge', 'conductor_cache_hit_ratio{tenant="acme",operation="Get\\"Entity"} 0.75'].join('\n'),
    );
  });

  it('renders histograms as cumulative _bucket lines with +Inf, then _sum and _count', () => {
    const text = renderFamily({
      name: 'conductor.edge.request.duration',
      unit: 'ms',
      type: 'histogram',
      help: 'h',
      samples: [{ labels: { tenant: 'acme' }, buckets: [{ le: 1, count: 2 }, { le: 2.5, count: 3 }], count: 4, sum: 12.5 }],
    });
    expect(text.split('\n').slice(2)).toEqual([
      'conductor_edge_request_duration_milliseconds_bucket{tenant="acme",le="1"} 2',
      'conductor_edge_request_duration_milliseconds_bucket{tenant="acme",le="2.5"} 3',
      'conductor_edge_request_duration_milliseconds_bucket{tenant="acme",le="+Inf"} 4',
      'conductor_edge_request_duration_milliseconds_sum{tenant="acme"} 12.5',
      'conductor_edge_request_duration_milliseconds_count{tenant="acme"} 4',
    ]);
  });
});
