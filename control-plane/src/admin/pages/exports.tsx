/** @jsxImportSource hono/jsx */
import type { ExportDetail, ExportHistory, ExportSample } from '@conductor/schema/contracts/export-review';
import type { ExportSummary } from '@conductor/schema/contracts/exports';
import { query, type ApiProblem } from '../api.ts';
import { ExportFacts, exportHref, HistoryTable, PiiProof, PiiReportTable, ReviewForm, SampleLines } from '../components/export-review.tsx';
import { Empty, Problem } from '../components/messages.tsx';
import type { Page, PageAction, PageContext } from '../page.ts';
import { formatBytes, formatTime, invalid, textField } from './util.ts';

const SAMPLE_LINES = 10;

const exportPath = (id: string, rest = '') => `/v1/exports/${encodeURIComponent(id)}${rest}`;

function listRefused(ctx: PageContext, problem: ApiProblem) {
  ctx.status = problem.status;
  return <Problem problem={problem} what={`view the exports of tenant ${ctx.tenant}`} />;
}

/** The review queue of the selected tenant, then its exports, newest first. */
async function renderQueue(ctx: PageContext) {
  // Asked apart, so the queue is whole however many decided exports the list of all would put first.
  const [queue, all] = await Promise.all([
    ctx.api.get<{ exports: ExportSummary[] }>(`/v1/exports${query({ tenant: ctx.tenant, status: 'pending_review' })}`),
    ctx.api.get<{ exports: ExportSummary[] }>(`/v1/exports${query({ tenant: ctx.tenant })}`),
  ]);
  if (!queue.ok) return listRefused(ctx, queue);
  if (!all.ok) return listRefused(ctx, all);
  const pending = queue.data.exports;
  // The PII result is in each export's detail; a queue is short, and these run side by side.
  const details = await Promise.all(pending.map((e) => ctx.api.get<ExportDetail>(exportPath(e.exportId, '/detail'))));
  return (
    <>
      <h2 id="queue-heading">Awaiting review</h2>
      {pending.length === 0 ? (
        <Empty>No export of this tenant is waiting for review.</Empty>
      ) : (
        <table aria-labelledby="queue-heading" id="review-queue">
          <thead>
            <tr>
              <th scope="col">Export</th>
              <th scope="col">Requested by</th>
              <th scope="col">Requested at (UTC)</th>
              <th scope="col">Licence</th>
              <th scope="col">Purposes</th>
              <th scope="col">PII in the final chunks</th>
              <th scope="col" class="num">
                Size
              </th>
              <th scope="col" class="num">
                Chunks
              </th>
            </tr>
          </thead>
          <tbody>
            {pending.map((e, i) => {
              const detail = details[i]!;
              return (
                <tr data-export-id={e.exportId}>
                  <th scope="row">
                    <a href={exportHref(e.exportId)} aria-label={`Review export ${e.exportId}`}>
                      <code>{e.exportId}</code>
                    </a>
                  </th>
                  <td>{e.requestedBy}</td>
                  <td>
                    <time datetime={e.createdAt}>{formatTime(e.createdAt)}</time>
                  </td>
                  <td>{e.license}</td>
                  <td>{e.purpose.join(', ')}</td>
                  <td>{detail.ok ? <PiiProof proof={detail.data.proofs?.pii ?? null} /> : <span class="detail">{detail.unavailable ? 'not available' : detail.message}</span>}</td>
                  <td class="num">{formatBytes(e.totalSize)}</td>
                  <td class="num">{e.chunkCount ?? '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h2 id="all-heading">All exports of {ctx.tenant}</h2>
      {all.data.exports.length === 0 ? (
        <Empty>This tenant has no exports.</Empty>
      ) : (
        <table aria-labelledby="all-heading" id="all-exports">
          <thead>
            <tr>
              <th scope="col">Export</th>
              <th scope="col">Status</th>
              <th scope="col">Requested by</th>
              <th scope="col">Requested at (UTC)</th>
              <th scope="col">Reviewed by</th>
            </tr>
          </thead>
          <tbody>
            {all.data.exports.map((e) => (
              <tr data-export-id={e.exportId}>
                <th scope="row">
                  <a href={exportHref(e.exportId)} aria-label={`Export ${e.exportId}`}>
                    <code>{e.exportId}</code>
                  </a>
                </th>
                <td class={e.status === 'failed' || e.status === 'rejected' ? 'status-off' : e.status === 'approved' ? 'status-on' : ''}>{e.status}</td>
                <td>{e.requestedBy}</td>
                <td>
                  <time datetime={e.createdAt}>{formatTime(e.createdAt)}</time>
                </td>
                <td>{e.reviewedBy ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** One export: its facts and proofs, PII report, a sample of its lines, the review form and its history. */
async function renderExport(ctx: PageContext, id: string) {
  const back = (
    <p>
      <a href="/admin/exports">← Back to the exports of {ctx.tenant}</a>
    </p>
  );
  const detail = await ctx.api.get<ExportDetail>(exportPath(id, '/detail'));
  if (!detail.ok) {
    if (ctx.status === 200) ctx.status = detail.status;
    return (
      <>
        {back}
        <Problem problem={detail} what="view this export" />
      </>
    );
  }
  const e = detail.data.summary;
  // Chunks exist from publication until a rejection deletes them.
  const readable = e.status === 'pending_review' || e.status === 'approved';
  const [sample, history] = await Promise.all([
    readable ? ctx.api.get<ExportSample>(exportPath(id, `/sample${query({ n: SAMPLE_LINES })}`)) : undefined,
    ctx.api.get<ExportHistory>(exportPath(id, '/history')),
  ]);
  const report = detail.data.piiReport;
  return (
    <>
      {back}
      <ExportFacts detail={detail.data} />
      <h2 id="pii-heading">PII report</h2>
      {report ? <PiiReportTable report={report} /> : <Empty>No report yet: the export is not published.</Empty>}
      <h2 id="sample-heading">Sample lines</h2>
      {!sample ? (
        <Empty>{e.status === 'rejected' ? 'No lines to show: a rejected export’s chunks are deleted.' : 'No lines to show: the export is not published.'}</Empty>
      ) : !sample.ok ? (
        <Problem problem={sample} what="view a sample of this export" />
      ) : (
        <>
          <p>
            The first {sample.data.lines.length} lines{sample.data.more ? ' of more' : ', all there are'}. Each was copied verbatim from the document
            named, between the character offsets shown (unless redacted).
          </p>
          <SampleLines sample={sample.data} />
        </>
      )}
      {e.status === 'pending_review' && <ReviewForm ctx={ctx} exp={e} />}
      <h2 id="history-heading">History</h2>
      {history.ok ? <HistoryTable entries={history.data.entries} /> : <Problem problem={history} what="view the history of this export" />}
    </>
  );
}

function reviewAction(decision: 'approve' | 'reject'): PageAction {
  return {
    label: `${decision} this export`,
    async run(ctx, form) {
      const id = textField(form, 'exportId');
      if (!id) return invalid('the form names no export');
      const reason = textField(form, 'reason');
      if (!reason) return invalid(`give a reason to ${decision} the export`);
      const res = await ctx.api.send<ExportSummary>('POST', exportPath(id, '/review'), { decision, reason });
      if (!res.ok) return res;
      return { ok: true, message: `Export ${id} is now ${res.data.status}.`, redirect: exportHref(id) };
    },
  };
}

/**
 * /admin/exports: the review queue of the selected tenant and its exports; `?export=ID` shows one
 * export with what a reviewer needs (proofs, PII report, sample lines with provenance), the review
 * form and its history. One page rather than a path per export, so the queue's every link and
 * form stay on it.
 */
export const exportsPage: Page = {
  path: '/exports',
  title: (ctx) => {
    const id = ctx.query.get('export');
    return id ? `Export ${id}` : `Exports · ${ctx.tenant}`;
  },
  nav: 'Exports',
  render(ctx) {
    const id = ctx.query.get('export');
    return id ? renderExport(ctx, id) : renderQueue(ctx);
  },
  actions: { approve: reviewAction('approve'), reject: reviewAction('reject') },
};
