import { describe, expect, it } from 'vitest';
import { decideRange } from './range.ts';
import { resumeOutcome, servingIncrements } from './resume.ts';

const SIZE = 100;
const ETAG = '"sha256-ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"';
const outcome = (range: string | null, ifRange?: string) => resumeOutcome(range, decideRange({ range, ifRange, size: SIZE, etag: ETAG }), SIZE);

describe('resumeOutcome', () => {
  it('is no resume without a Range header', () => {
    expect(outcome(null)).toBeNull();
    expect(resumeOutcome(undefined, 'corrupt', SIZE)).toBeNull();
  });

  it('is a resume when the range is served (206), with or without a matching If-Range', () => {
    expect(outcome('bytes=40-')).toBe('resumed');
    expect(outcome('bytes=0-0', ETAG)).toBe('resumed');
  });

  it('is a restart when the range is answered whole: another validator, or a range we ignore', () => {
    expect(outcome('bytes=40-', '"sha256-other"')).toBe('restarted');
    expect(outcome('bytes=40-', 'W/' + ETAG)).toBe('restarted');
    expect(outcome('bytes=0-1,5-6')).toBe('restarted');
    expect(outcome('bytes=x-')).toBe('restarted');
  });

  it('is unsatisfiable past the end, except for exactly bytes=<size>- (a file already whole)', () => {
    expect(outcome('bytes=101-')).toBe('unsatisfiable');
    expect(outcome('bytes=100-200')).toBe('unsatisfiable');
    expect(outcome('bytes=100-')).toBe('complete');
  });

  it('is corrupt when the chunk it reaches is refused', () => {
    expect(resumeOutcome('bytes=0-', 'corrupt', SIZE)).toBe('corrupt');
  });
});

describe('servingIncrements', () => {
  it('counts bytes, the resume outcome and a corrupt refusal, and nothing else', () => {
    expect(servingIncrements({ bytes: 0, outcome: null, corrupt: false })).toEqual({});
    expect(servingIncrements({ bytes: 60, outcome: 'resumed', corrupt: false })).toEqual({ served_bytes: 60, resumed: 1 });
    expect(servingIncrements({ bytes: 100, outcome: 'restarted', corrupt: false })).toEqual({ served_bytes: 100, resume_restarted: 1 });
    expect(servingIncrements({ bytes: 0, outcome: 'unsatisfiable', corrupt: false })).toEqual({ resume_unsatisfiable: 1 });
    expect(servingIncrements({ bytes: 0, outcome: 'complete', corrupt: false })).toEqual({});
    expect(servingIncrements({ bytes: 0, outcome: 'corrupt', corrupt: true })).toEqual({ resume_corrupt: 1, corrupt_refusals: 1 });
    expect(servingIncrements({ bytes: 0, outcome: null, corrupt: true })).toEqual({ corrupt_refusals: 1 });
  });
});
