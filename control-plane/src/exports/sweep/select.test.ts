import { describe, expect, it } from 'vitest';
import { exportIdsOf, parseExportBlobKey, selectOrphans, type SweepExportState } from './select.ts';

const NOW = new Date('2026-12-02T12:00:00Z');
const HOUR = 3_600_000;
const A = '0b6a3c1e-7f4d-4a8e-9c2b-1d5e6f7a8b9c';
const B = '1c7b4d2f-8a5e-4b9f-8d3c-2e6f7a8b9cad';
const C = '2d8c5e3a-9b6f-4cad-9e4d-3f7a8b9cadbe';

const old = (key: string, ageMs = 2 * HOUR) => ({ key, uploaded: new Date(NOW.getTime() - ageMs) });
const chunk = (id: string, ix: number) => `exports/${id}/chunks/${String(ix).padStart(8, '0')}`;

describe('parseExportBlobKey', () => {
  it('reads the export id and chunk index of the keys build/keys.ts writes, and nothing else', () => {
    expect(parseExportBlobKey(chunk(A, 0))).toEqual({ exportId: A, ix: 0 });
    expect(parseExportBlobKey(chunk(A, 12_345))).toEqual({ exportId: A, ix: 12_345 });
    expect(parseExportBlobKey(`exports/${A}/chunks/123456789`)).toEqual({ exportId: A, ix: 123_456_789 });
    expect(parseExportBlobKey(`exports/${A}/manifest.json`)).toEqual({ exportId: A, ix: null });
    expect(parseExportBlobKey(`exports/${A}/chunks/7`)).toEqual({ exportId: A, ix: null });
    expect(parseExportBlobKey(`exports/${A}`)).toBeNull();
    expect(parseExportBlobKey(`contract/${A}/chunks/00000000`)).toBeNull();
  });

  it('names each export of a page once, in listing order', () => {
    expect(exportIdsOf([old(chunk(A, 0)), old(chunk(A, 1)), old(chunk(B, 0)), old('exports/x'), old(chunk(A, 2))])).toEqual([A, B]);
  });
});

describe('selectOrphans', () => {
  const states = new Map<string, SweepExportState>([
    [A, { status: 'building', recordedChunks: 2 }],
    [B, { status: 'failed', recordedChunks: 0 }],
    [C, { status: 'approved', recordedChunks: 3 }],
  ]);

  it('takes every blob of an export whose row is gone, failed or rejected', () => {
    const gone = '3e9d6f4b-ac7a-4dbe-af5e-4a8b9cadbecf';
    const rejected = new Map<string, SweepExportState>([[A, { status: 'rejected', recordedChunks: 5 }]]);
    expect(selectOrphans([old(chunk(gone, 0)), old(`exports/${gone}/other`), old(chunk(B, 0)), old(chunk(B, 1))], states, NOW, HOUR)).toEqual([
      { key: chunk(gone, 0), exportId: gone, reason: 'export-gone' },
      { key: `exports/${gone}/other`, exportId: gone, reason: 'export-gone' },
      { key: chunk(B, 0), exportId: B, reason: 'export-failed' },
      { key: chunk(B, 1), exportId: B, reason: 'export-failed' },
    ]);
    expect(selectOrphans([old(chunk(A, 0)), old(chunk(A, 9))], rejected, NOW, HOUR).map((o) => o.reason)).toEqual(['export-rejected', 'export-rejected']);
    // An export id that is no UUID never has a row.
    expect(selectOrphans([old('exports/not-a-uuid/chunks/00000000')], states, NOW, HOUR)).toEqual([{ key: 'exports/not-a-uuid/chunks/00000000', exportId: 'not-a-uuid', reason: 'export-gone' }]);
  });

  it('takes the chunks of a live export past the recorded ones, and keeps the recorded ones and other files', () => {
    const blobs = [old(chunk(A, 0)), old(chunk(A, 1)), old(chunk(A, 2)), old(chunk(A, 3)), old(`exports/${A}/notes`), old(chunk(C, 2)), old(chunk(C, 3))];
    expect(selectOrphans(blobs, states, NOW, HOUR)).toEqual([
      { key: chunk(A, 2), exportId: A, reason: 'chunk-unrecorded' },
      { key: chunk(A, 3), exportId: A, reason: 'chunk-unrecorded' },
      { key: chunk(C, 3), exportId: C, reason: 'chunk-unrecorded' },
    ]);
    // Published with no chunk at all (nothing survived the scan): any chunk blob is unrecorded.
    const empty = new Map<string, SweepExportState>([[A, { status: 'pending_review', recordedChunks: 0 }]]);
    expect(selectOrphans([old(chunk(A, 0))], empty, NOW, HOUR).map((o) => o.reason)).toEqual(['chunk-unrecorded']);
  });

  it('never takes a blob younger than the grace period, whatever its export', () => {
    const gone = '3e9d6f4b-ac7a-4dbe-af5e-4a8b9cadbecf';
    const young = [old(chunk(gone, 0), HOUR - 1), old(chunk(B, 0), 0), old(chunk(A, 2), 1000), old(chunk(A, 3), -60_000)];
    expect(selectOrphans(young, states, NOW, HOUR)).toEqual([]);
    // Exactly the grace period old: no longer young.
    expect(selectOrphans([old(chunk(gone, 0), HOUR)], states, NOW, HOUR).map((o) => o.key)).toEqual([chunk(gone, 0)]);
  });

  it('leaves keys outside the export layout alone, but not a key of another shape under a gone export', () => {
    expect(selectOrphans([old('exports/loose'), old('contract/x/y'), old(`exports/${A}/chunks/7`)], new Map(), NOW, HOUR)).toEqual([
      { key: `exports/${A}/chunks/7`, exportId: A, reason: 'export-gone' },
    ]);
  });
});
