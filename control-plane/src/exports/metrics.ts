import type { ExportServingCounter } from '@conductor/schema/exports';
import type { Db } from '../db/client.ts';
import type { Family, Sample } from '../metrics/prometheus.ts';
import { buildOutcomesByTenant } from './queries.ts';
import { servingCounts, type ServingCount } from './serving/queries.ts';
import { getExportsSwitch } from './switch/queries.ts';

/*
 * What /metrics and the alert rules read of exports (docs/adr/0017). Everything comes from
 * Postgres, since a Worker isolate lives for one request: builds from the exports table (rows are
 * never deleted), downloads from the per-minute counts the routes add to (serving/queries.ts).
 * Sums over all rows are Prometheus counters (they only grow); the alert rules read recent minutes.
 */

/** Resume failures: a ranged request answered whole, unsatisfiable, or refused as corrupt (download/resume.ts). */
const RESUME_FAILURES: Partial<Record<ExportServingCounter, string>> = {
  resume_restarted: 'restarted',
  resume_unsatisfiable: 'unsatisfiable',
  resume_corrupt: 'corrupt',
};

function samplesOf(counts: readonly ServingCount[], counter: ExportServingCounter): Sample[] {
  return counts.filter((c) => c.counter === counter).map((c) => ({ labels: { tenant: c.tenantId }, value: c.value }));
}

/** The export families of GET /metrics. */
export async function exportFamilies(db: Db): Promise<Family[]> {
  const builds = await buildOutcomesByTenant(db);
  const counts = await servingCounts(db);
  const enabled = (await getExportsSwitch(db)).exportsEnabled;
  return [
    {
      name: 'conductor.export.builds',
      unit: '{export}',
      type: 'counter',
      help: 'Export builds that ended, by tenant and outcome: published (a signed manifest) or failed.',
      samples: builds.flatMap((b) => [
        { labels: { tenant: b.tenantId, outcome: 'published' }, value: b.published },
        { labels: { tenant: b.tenantId, outcome: 'failed' }, value: b.failed },
      ]),
    },
    {
      name: 'conductor.export.resumes',
      unit: '{request}',
      type: 'counter',
      help: 'Ranged export downloads (chunk or whole) answered with their range (206).',
      samples: samplesOf(counts, 'resumed'),
    },
    {
      name: 'conductor.export.resume_failures',
      unit: '{request}',
      type: 'counter',
      help: 'Ranged export downloads not answered with their range: sent whole again (restarted), unsatisfiable (416, except bytes=<size>-), or refused as corrupt.',
      samples: counts.flatMap((c) => {
        const reason = RESUME_FAILURES[c.counter];
        return reason === undefined ? [] : [{ labels: { tenant: c.tenantId, reason }, value: c.value }];
      }),
    },
    {
      name: 'conductor.export.served',
      unit: 'By',
      type: 'counter',
      help: 'Bytes of export chunks and downloads answered (200 and 206, counted when the response starts).',
      samples: samplesOf(counts, 'served_bytes'),
    },
    {
      name: 'conductor.export.corrupt_chunks',
      unit: '{refusal}',
      type: 'counter',
      help: 'Export requests refused because a stored chunk failed its check against the signed manifest (EXPORT_CORRUPT).',
      samples: samplesOf(counts, 'corrupt_refusals'),
    },
    {
      name: 'conductor.exports.enabled',
      unit: '',
      type: 'gauge',
      help: '1 while exports can be created and downloaded; 0 while the backout "hide RAG export" is on (PUT /v1/exports/switch).',
      samples: [{ labels: {}, value: enabled ? 1 : 0 }],
    },
  ];
}

export interface ExportServingInput {
  tenant: string;
  resumes: number;
  resumeFailures: number;
  corruptRefusals: number;
}

/** Per tenant, over the minutes since `since`: what the export alert rules compare with their thresholds. */
export async function exportServingSince(db: Db, since: Date): Promise<ExportServingInput[]> {
  const byTenant = new Map<string, ExportServingInput>();
  for (const c of await servingCounts(db, since)) {
    let e = byTenant.get(c.tenantId);
    if (!e) byTenant.set(c.tenantId, (e = { tenant: c.tenantId, resumes: 0, resumeFailures: 0, corruptRefusals: 0 }));
    if (c.counter === 'resumed') e.resumes += c.value;
    if (RESUME_FAILURES[c.counter] !== undefined) e.resumeFailures += c.value;
    if (c.counter === 'corrupt_refusals') e.corruptRefusals += c.value;
  }
  return [...byTenant.values()];
}
