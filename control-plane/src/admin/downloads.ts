import { query } from './api.ts';
import type { PageContext } from './page.ts';
import { sweepCsvRequest } from './pages/what-if.tsx';

/**
 * Files the admin UI offers for download, each a GET on the JSON API passed through with the
 * user's token. An allowlist, so /admin/download/… can never become a general API proxy.
 */
export interface Download {
  filename: string;
  /** Completes "You are not allowed to …" / "not available: … ". */
  what: string;
  apiPath?(q: URLSearchParams, tenant: string): string;
  /** For exports the API answers to a POST (the what-if sweep): the whole request. */
  apiRequest?(ctx: PageContext): Promise<{ path: string; body: unknown }>;
}

// Reports: `tenant` only when the link names one (without it the API covers every tenant the caller may read).
const reportQuery = (q: URLSearchParams, _tenant: string, format: string) =>
  query({ tenant: q.get('tenant'), op: q.get('op'), from: q.get('from'), to: q.get('to'), step: q.get('step'), format });

export const DOWNLOADS: Record<string, Download> = {
  'catalog.csv': { filename: 'catalog.csv', what: 'export the service catalog', apiPath: () => '/v1/catalog/export?format=csv' },
  'catalog.json': { filename: 'catalog.json', what: 'export the service catalog', apiPath: () => '/v1/catalog/export?format=json' },
  'safelist.json': { filename: 'safelist.json', what: 'export the safelist', apiPath: () => '/v1/safelist' },
  'invalidation-map.json': { filename: 'invalidation-map.json', what: 'export the invalidation map', apiPath: () => '/v1/invalidation-map' },
  'purges.json': { filename: 'purges.json', what: 'export the purge history', apiPath: (q, t) => `/v1/purges${query({ tenant: q.get('tenant') || t, limit: 500 })}` },
  'p95-delta.csv': { filename: 'p95-delta.csv', what: 'export the p95 delta report', apiPath: (q, t) => `/v1/reports/p95-delta${reportQuery(q, t, 'csv')}` },
  'hit-ratio.csv': { filename: 'hit-ratio.csv', what: 'export the hit-ratio report', apiPath: (q, t) => `/v1/reports/hit-ratio${reportQuery(q, t, 'csv')}` },
  'invalidations.csv': { filename: 'invalidations.csv', what: 'export the invalidations report', apiPath: (q, t) => `/v1/reports/invalidations${reportQuery(q, t, 'csv')}` },
  'what-if-sweep.csv': { filename: 'what-if-sweep.csv', what: 'export the what-if sweep', apiRequest: sweepCsvRequest },
  'unacknowledged-purges.csv': {
    filename: 'unacknowledged-purges.csv',
    what: 'export the unacknowledged purges report',
    apiPath: (q, t) => `/v1/reports/unacknowledged-purges${reportQuery(q, t, 'csv')}`,
  },
};
