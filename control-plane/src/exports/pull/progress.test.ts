import { describe, expect, it } from 'vitest';
import cliProgress from 'cli-progress';
import { etaSeconds, formatBytes, formatEta, formatRate, percent, progressFields, progressLine, PROGRESS_BAR_FORMAT, RateMeter, type PullProgress } from './progress.ts';

const MiB = 1024 * 1024;

describe('progress formatting', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [10 * MiB, '10 MiB'],
    [2.5 * 1024 * MiB, '2.5 GiB'],
  ])('formatBytes(%d) = %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

  it.each([
    [undefined, '--'],
    [Number.POSITIVE_INFINITY, '--'],
    [0, '00s'],
    [4.2, '05s'],
    [59.5, '60s'],
    [61, '01m01s'],
    [3601, '01h00m'],
  ])('formatEta(%s) = %s', (seconds, text) => expect(formatEta(seconds)).toBe(text));

  it('tells the time left from the bytes left and the rate, unknown without a rate', () => {
    expect(etaSeconds({ totalBytes: 100 * MiB, doneBytes: 40 * MiB }, 2 * MiB)).toBe(30);
    expect(etaSeconds({ totalBytes: 100 * MiB, doneBytes: 40 * MiB }, undefined)).toBeUndefined();
    expect(etaSeconds({ totalBytes: 100 * MiB, doneBytes: 40 * MiB }, 0)).toBeUndefined();
    expect(etaSeconds({ totalBytes: 100 * MiB, doneBytes: 100 * MiB }, undefined)).toBe(0);
    expect(percent({ totalBytes: 3, doneBytes: 2 })).toBe(66);
    expect(percent({ totalBytes: 0, doneBytes: 0 })).toBe(100);
    expect(formatRate(undefined)).toBe('-- B/s');
    expect(formatRate(1.5 * MiB)).toBe('1.5 MiB/s');
  });

  // cli-progress's formatter over the real format string: its own tokens ({total}, {eta}) would win over ours.
  it('fills the bar with our fields, not cli-progress’s raw ones', () => {
    const progress: PullProgress = { exportId: 'exp_1', totalBytes: 100 * MiB, doneBytes: 40 * MiB, fetchedBytes: 30 * MiB, chunksTotal: 13, chunksDone: 5 };
    const options = { format: PROGRESS_BAR_FORMAT, barsize: 10, barCompleteString: '#'.repeat(10), barIncompleteString: '-'.repeat(10), barGlue: '', autopaddingChar: '0', formatValue: cliProgress.Format.ValueFormat, formatBar: cliProgress.Format.BarFormat, formatTime: cliProgress.Format.TimeFormat };
    const params = { progress: 0.4, eta: 99, startTime: 0, stopTime: null, total: progress.totalBytes, value: progress.doneBytes, maxWidth: 200 };
    expect(cliProgress.Format.Formatter(options, params, progressFields(progress, 2 * MiB))).toBe('####------ 40% | 40 MiB / 100 MiB | 2 MiB/s | ETA 30s | chunks 5/13');
  });

  it('writes one line for a log with what the bar shows', () => {
    const progress: PullProgress = { exportId: 'exp_1', totalBytes: 100 * MiB, doneBytes: 40 * MiB, fetchedBytes: 30 * MiB, chunksTotal: 13, chunksDone: 5 };
    expect(progressLine(progress, 2 * MiB)).toBe('pull exp_1: 40 MiB / 100 MiB (40%), chunks 5/13, 2 MiB/s, ETA 30s');
    expect(progressFields(progress, undefined)).toEqual({ done: '40 MiB', size: '100 MiB', rate: '-- B/s', left: '--', chunks: '5/13' });
  });
});

describe('RateMeter', () => {
  it('has no rate until its samples span a quarter of a second', () => {
    const meter = new RateMeter();
    expect(meter.rate()).toBeUndefined();
    meter.sample(0, 0);
    meter.sample(200, MiB);
    expect(meter.rate()).toBeUndefined();
    meter.sample(1000, MiB);
    expect(meter.rate()).toBe(MiB);
  });

  it('follows the last window only', () => {
    const meter = new RateMeter(4000);
    // 1 MiB/s for ten seconds, then 4 MiB/s for five.
    let bytes = 0;
    for (let s = 0; s <= 10; s++) meter.sample(s * 1000, (bytes = s * MiB));
    expect(meter.rate()).toBe(MiB);
    for (let s = 11; s <= 15; s++) meter.sample(s * 1000, (bytes += 4 * MiB));
    expect(meter.rate()).toBe(4 * MiB);
  });

  it('folds samples closer than 100 ms into the latest, keeping the same rate', () => {
    const meter = new RateMeter(10_000);
    for (let ms = 0; ms <= 2000; ms += 5) meter.sample(ms, ms * 1024);
    expect(meter.rate()).toBe(1024 * 1000);
    expect((meter as unknown as { samples: unknown[] }).samples.length).toBeLessThanOrEqual(25);
  });
});
