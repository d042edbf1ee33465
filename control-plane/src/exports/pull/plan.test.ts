import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkEtag, decideRange } from '../download/range.ts';
import { chunkRequestHeaders, planPull, useChunkResponse, type ChunkOnDisk } from './plan.ts';

const sha = (n: number) => n.toString(16).padStart(64, '0');
// Seven chunks of 100 bytes and a short last one, as a fixed-size cut makes them (docs/adr/0015).
const chunks = Array.from({ length: 8 }, (_, ix) => ({ ix, size: ix === 7 ? 40 : 100, sha256: sha(ix + 1) }));

describe('planPull', () => {
  it('re-hashes what is whole, resumes what is partial, and fetches the rest', () => {
    const onDisk = new Map<number, ChunkOnDisk>([
      [1, { complete: 100 }],
      [2, { complete: 100, partial: 30 }],
      [3, { partial: 30 }],
      [4, { partial: 100 }],
      [5, { partial: 150 }],
      [6, { complete: 60, partial: 20 }],
      [7, { partial: 0 }],
    ]);
    const plan = planPull(chunks, onDisk);
    expect(plan.steps.map(({ sha256: _, ...step }) => step)).toEqual([
      { ix: 0, size: 100, discard: [], action: 'fetch', from: 0 },
      { ix: 1, size: 100, discard: [], action: 'check', file: 'complete' },
      // A part beside a complete file is left over from an earlier run: the complete file wins.
      { ix: 2, size: 100, discard: ['partial'], action: 'check', file: 'complete' },
      { ix: 3, size: 100, discard: [], action: 'fetch', from: 30 },
      // Killed between the last write and the rename.
      { ix: 4, size: 100, discard: [], action: 'check', file: 'partial' },
      // Longer than the chunk: it cannot be a prefix of it.
      { ix: 5, size: 100, discard: ['partial'], action: 'fetch', from: 0 },
      { ix: 6, size: 100, discard: ['complete'], action: 'fetch', from: 20 },
      { ix: 7, size: 40, discard: [], action: 'fetch', from: 0 },
    ]);
    expect(plan).toMatchObject({ totalBytes: 740, reuseBytes: 350, fetchBytes: 390, discardBytes: 210 });
  });

  it('fetches everything into an empty directory and nothing when all is there', () => {
    expect(planPull(chunks, new Map())).toMatchObject({ reuseBytes: 0, fetchBytes: 740, discardBytes: 0 });
    const whole = new Map(chunks.map((c) => [c.ix, { complete: c.size }]));
    const plan = planPull(chunks, whole);
    expect(plan).toMatchObject({ reuseBytes: 740, fetchBytes: 0 });
    expect(plan.steps.every((s) => s.action === 'check')).toBe(true);
  });

  it('accounts for every byte: reused + fetched = total, and a resume starts inside its chunk', () => {
    const disk = fc.option(fc.nat({ max: 250 }), { nil: undefined });
    fc.assert(
      fc.property(fc.array(fc.record({ complete: disk, partial: disk }), { minLength: 8, maxLength: 8 }), (states) => {
        const onDisk = new Map(states.map((s, ix) => [ix, Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as ChunkOnDisk]));
        const plan = planPull(chunks, onDisk);
        expect(plan.reuseBytes + plan.fetchBytes).toBe(plan.totalBytes);
        for (const step of plan.steps) if (step.action === 'fetch') expect(step.from).toBeLessThan(step.size);
      }),
    );
  });
});

describe('chunk requests and answers', () => {
  const chunk = chunks[3]!;

  it('asks for a whole chunk plainly and for the rest of a part with Range and If-Range', () => {
    expect(chunkRequestHeaders(chunk, 0)).toEqual({});
    expect(chunkRequestHeaders(chunk, 30)).toEqual({ Range: 'bytes=30-', 'If-Range': `"sha256-${chunk.sha256}"` });
  });

  // The server's own range decision (download/range.ts) on the request the planner makes.
  it('agrees with the server: a resume gets 206 for exactly the rest, another chunk gets 200 whole', () => {
    const headers = chunkRequestHeaders(chunk, 30);
    const same = decideRange({ range: headers.Range, ifRange: headers['If-Range'], size: 100, etag: chunkEtag(chunk.sha256) });
    expect(same.status).toBe(206);
    expect(useChunkResponse(chunk, 30, { status: same.status, contentRange: same.status === 206 ? same.contentRange : null })).toEqual({ use: 'write', at: 30 });
    const other = decideRange({ range: headers.Range, ifRange: headers['If-Range'], size: 100, etag: chunkEtag(sha(99)) });
    expect(other.status).toBe(200);
    expect(useChunkResponse(chunk, 30, { status: other.status })).toEqual({ use: 'write', at: 0 });
  });

  it.each([
    ['200 to a plain GET', 0, { status: 200 }, { use: 'write', at: 0 }],
    ['206 with the rest', 30, { status: 206, contentRange: 'bytes 30-99/100' }, { use: 'write', at: 30 }],
    ['206 of other bytes', 30, { status: 206, contentRange: 'bytes 30-49/100' }, { use: 'fail', message: 'chunk 3: expected Content-Range bytes 30-99/100, got bytes 30-49/100' }],
    ['206 of a chunk of another size', 30, { status: 206, contentRange: 'bytes 30-199/200' }, { use: 'fail', message: 'chunk 3: expected Content-Range bytes 30-99/100, got bytes 30-199/200' }],
    ['206 without Content-Range', 30, { status: 206 }, { use: 'fail', message: 'chunk 3: expected Content-Range bytes 30-99/100, got none' }],
    ['206 to a request without Range', 0, { status: 206, contentRange: 'bytes 0-99/100' }, { use: 'fail', message: 'chunk 3: 206 to a request without Range' }],
    ['416 to a resume', 30, { status: 416 }, { use: 'restart' }],
    ['416 to a plain GET', 0, { status: 416 }, { use: 'fail', message: 'chunk 3: HTTP 416' }],
  ] as const)('%s', (_case, from, head, expected) => {
    expect(useChunkResponse(chunk, from, head)).toEqual(expected);
  });
});
