/** @jsxImportSource hono/jsx */
import type { ExportDetail, ExportHistoryEntry, ExportSample, PiiReport } from '@conductor/schema/contracts/export-review';
import type { ExportSummary, ManifestProofs } from '@conductor/schema/contracts/exports';
import { FormKeys } from './csrf.tsx';
import { Empty } from './messages.tsx';
import { OpId } from './op-ref.tsx';
import { fieldValue, type PageContext } from '../page.ts';
import { formatBytes, formatTime } from '../pages/util.ts';

/** Where one export's page is: the queue's page with the export picked. */
export const exportHref = (id: string) => `/admin/exports?export=${encodeURIComponent(id)}`;

/** What `proofs.pii` says, in words: the scan of the final chunks, never the requester's claim. */
export function PiiProof({ proof }: { proof: ManifestProofs['pii'] | null }) {
  if (proof === null) return <span>not scanned: the export is not published</span>;
  if (proof === 'none') return <span class="status-on">none found</span>;
  const found = Object.entries(proof.findings).map(([type, n]) => `${type} ${n}`);
  return <span class="status-off">found in the final chunks: {found.join(', ')}</span>;
}

/** The export's facts and proofs, as a definition list. */
export function ExportFacts({ detail }: { detail: ExportDetail }) {
  const exp = detail.summary;
  return (
    <dl class="facts">
      <dt>Status</dt>
      <dd data-field="status">{exp.status}</dd>
      {detail.failure && (
        <>
          <dt>Why the build failed</dt>
          <dd data-field="failure">{detail.failure}</dd>
        </>
      )}
      <dt>Tenant</dt>
      <dd>{exp.tenant}</dd>
      <dt>Kind</dt>
      <dd>{exp.kind}</dd>
      <dt>Requested by</dt>
      <dd>{exp.requestedBy}</dd>
      <dt>Requested at</dt>
      <dd>
        <time datetime={exp.createdAt}>{formatTime(exp.createdAt)}</time>
      </dd>
      <dt>Licence</dt>
      <dd data-field="license">{exp.license}</dd>
      <dt>Purposes</dt>
      <dd data-field="purpose">{exp.purpose.join(', ')}</dd>
      <dt>Sentences with PII</dt>
      <dd>{exp.redact ? 'redacted by type' : 'dropped'}</dd>
      <dt>PII in the final chunks</dt>
      <dd data-field="pii">
        <PiiProof proof={detail.proofs?.pii ?? null} />
      </dd>
      {detail.source && (
        <>
          <dt>Source</dt>
          <dd>
            operation <OpId id={detail.source.operation} />, corpus <code>{detail.source.snapshot}</code>
          </dd>
        </>
      )}
      <dt>Size</dt>
      <dd data-field="size">{formatBytes(exp.totalSize)}</dd>
      <dt>Chunks</dt>
      <dd data-field="chunks">{exp.chunkCount ?? '—'}</dd>
      <dt>Merkle root</dt>
      <dd>{exp.merkleRoot ? <code>{exp.merkleRoot}</code> : '—'}</dd>
      {exp.reviewedBy && (
        <>
          <dt>{exp.status === 'rejected' ? 'Rejected by' : 'Approved by'}</dt>
          <dd data-field="reviewed-by">
            {exp.reviewedBy}
            {exp.reviewedAt && (
              <>
                {' '}
                at <time datetime={exp.reviewedAt}>{formatTime(exp.reviewedAt)}</time>
              </>
            )}
          </dd>
          <dt>Reason</dt>
          <dd data-field="reason">{exp.reviewReason}</dd>
        </>
      )}
    </dl>
  );
}

/** Findings the build's scan made, by PII type and what was done with the sentence. */
export function PiiReportTable({ report }: { report: PiiReport }) {
  const types = Object.entries(report.findings);
  const s = report.sentences;
  return (
    <>
      <p>
        {s.scanned.toLocaleString('en-US')} sentences scanned: {s.clean.toLocaleString('en-US')} clean, {s.dropped.toLocaleString('en-US')} dropped,{' '}
        {s.redacted.toLocaleString('en-US')} redacted.
      </p>
      <table id="pii-report">
        <caption class="visually-hidden">PII findings by type and action</caption>
        <thead>
          <tr>
            <th scope="col">PII type</th>
            <th scope="col" class="num">
              In dropped sentences
            </th>
            <th scope="col" class="num">
              Redacted
            </th>
          </tr>
        </thead>
        <tbody>
          {types.map(([type, counts]) => (
            <tr data-pii-type={type}>
              <th scope="row">{type}</th>
              <td class="num">{counts.dropped.toLocaleString('en-US')}</td>
              <td class="num">{counts.redacted.toLocaleString('en-US')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The export's first lines, each with the document and character range it was copied from. */
export function SampleLines({ sample }: { sample: ExportSample }) {
  if (sample.lines.length === 0) return <Empty>The export has no lines.</Empty>;
  return (
    <table id="sample-lines">
      <caption class="visually-hidden">
        The first {sample.lines.length} lines of the export, each with its provenance
      </caption>
      <thead>
        <tr>
          <th scope="col" class="num">
            Line
          </th>
          <th scope="col">Text</th>
          <th scope="col">Document</th>
          <th scope="col" class="num">
            Characters
          </th>
        </tr>
      </thead>
      <tbody>
        {sample.lines.map((line, i) => (
          <tr data-doc-id={line.docId} data-start={line.start} data-end={line.end}>
            <td class="num">{i + 1}</td>
            <td>
              {line.text}
              {line.redacted && <span class="detail"> (redacted)</span>}
            </td>
            <td>
              <code>{line.docId}</code>
            </td>
            <td class="num">
              {line.start}–{line.end}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Approve or reject, with the reason kept in the audit log beside the decision. */
export function ReviewForm({ ctx, exp }: { ctx: PageContext; exp: ExportSummary }) {
  return (
    <form method="post" aria-labelledby="review-heading">
      <FormKeys csrf={ctx.csrf} />
      <input type="hidden" name="exportId" value={exp.exportId} />
      <fieldset>
        <legend id="review-heading">Review this export</legend>
        <div class="field">
          <label for="reason">Reason</label>
          <textarea id="reason" name="reason" required maxlength={2000} aria-describedby="reason-hint">
            {fieldValue(ctx, 'reason', '')}
          </textarea>
          <span class="hint" id="reason-hint">
            Recorded in the audit log with your decision. Approving releases the export for download; rejecting deletes its chunks.
          </span>
        </div>
        <div class="field">
          <div>
            <button type="submit" name="_action" value="approve">
              Approve
            </button>{' '}
            <button type="submit" name="_action" value="reject" class="danger">
              Reject
            </button>
          </div>
        </div>
      </fieldset>
    </form>
  );
}

const ACTION_LABELS: Record<string, string> = {
  'export.create': 'Requested',
  'export.publish': 'Built and published for review',
  'export.approve': 'Approved',
  'export.reject': 'Rejected',
  'export.review': 'Reviewed',
  'export.download': 'Downloaded',
};

/** An audit payload's scalar fields as "key: value"; the signature and nested objects are left to the JSON API. */
function payloadSummary(payload: unknown): string {
  if (payload === null || typeof payload !== 'object') return '';
  return Object.entries(payload as Record<string, unknown>)
    .filter(([k, v]) => k !== 'signature' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join('; ');
}

/** The export's audit entries, oldest first: a hash-chained record of what happened to it. */
export function HistoryTable({ entries }: { entries: ExportHistoryEntry[] }) {
  if (entries.length === 0) return <Empty>No audit entries name this export yet.</Empty>;
  return (
    <table id="export-history">
      <caption class="visually-hidden">Audit entries of this export, oldest first</caption>
      <thead>
        <tr>
          <th scope="col">When (UTC)</th>
          <th scope="col">What</th>
          <th scope="col">Who</th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr data-action={e.action}>
            <td>
              <time datetime={e.at}>{formatTime(e.at)}</time>
            </td>
            <td>
              {ACTION_LABELS[e.action] ?? e.action}
              <br />
              <code>{e.action}</code>
            </td>
            <td>{e.actor}</td>
            <td>{payloadSummary(e.payload)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
