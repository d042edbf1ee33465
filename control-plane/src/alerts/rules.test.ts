import { describe, expect, it } from 'vitest';
import { advance, conditions, DEFAULT_RULES, type AlertInput, type Condition } from './rules.ts';

const none: AlertInput = { backlog: [], purgeFailures: [], hitRatios: [], exportServing: [] };
const backlog = (tenant: string, b: Partial<AlertInput['backlog'][number]>) => ({ tenant, unacknowledged: 0, outboxPending: 0, outboxFailed: 0, oldestAgeSeconds: 0, ...b });

describe('conditions', () => {
  it('holds for nothing on a healthy system', () => {
    expect(conditions(none)).toEqual([]);
    expect(conditions({ ...none, backlog: [backlog('acme', {})], purgeFailures: [{ tenant: 'acme', failures: 0 }] })).toEqual([]);
  });

  describe('ConductorInvalidationBacklog', () => {
    it.each([
      [{ unacknowledged: 1, oldestAgeSeconds: 121 }, 1],
      [{ outboxPending: 3, oldestAgeSeconds: 400 }, 3],
      [{ outboxFailed: 2 }, 2],
      [{ unacknowledged: 1, outboxPending: 2, outboxFailed: 4, oldestAgeSeconds: 130 }, 7],
    ])('counts purges not applied at the edge, wherever they wait: %j → %i', (parts, count) => {
      const [c] = conditions({ ...none, backlog: [backlog('acme', parts)] });
      expect(c).toMatchObject({
        alertname: 'ConductorInvalidationBacklog',
        severity: 'critical',
        labels: { tenant: 'acme' },
        values: { count, ...parts },
        thresholds: { count: 1, graceSeconds: 120 },
        forSeconds: 300,
      });
    });
  });

  it('ConductorPurgeFailures holds on any failure in the window, and fires without waiting', () => {
    expect(conditions({ ...none, purgeFailures: [{ tenant: 'globex', failures: 1 }] })).toEqual([
      {
        alertname: 'ConductorPurgeFailures',
        severity: 'critical',
        labels: { tenant: 'globex' },
        values: { failures: 1 },
        thresholds: { failures: 0 },
        summary: '1 purge(s) of globex failed in the last 5 minutes',
        forSeconds: 0,
      },
    ]);
  });

  describe('ConductorHitRatioDrop', () => {
    const ratio = (current: [number, number], baseline: [number, number]) =>
      conditions({ ...none, hitRatios: [{ tenant: 'acme', operation: 'GetEntity', current: { requests: current[0], hits: current[1] }, baseline: { requests: baseline[0], hits: baseline[1] } }] });

    it('holds on a drop of 20 points or more with enough traffic on both sides', () => {
      const [c] = ratio([100, 70], [400, 360]);
      expect(c).toMatchObject({ alertname: 'ConductorHitRatioDrop', severity: 'warning', labels: { tenant: 'acme', operation: 'GetEntity' }, forSeconds: 300 });
      expect(c!.values.drop).toBeCloseTo(0.2, 12);
    });
    it('does not hold below the drop, or with too few requests on either side', () => {
      expect(ratio([100, 71], [400, 360])).toEqual([]);
      expect(ratio([99, 0], [400, 400])).toEqual([]);
      expect(ratio([100, 0], [99, 99])).toEqual([]);
    });
  });

  describe('export rules', () => {
    const serving = (e: Partial<AlertInput['exportServing'][number]>) => ({ ...none, exportServing: [{ tenant: 'acme', resumes: 0, resumeFailures: 0, corruptRefusals: 0, ...e }] });

    it('ConductorExportCorruptChunks holds on one corrupt-chunk refusal, critical, without waiting', () => {
      expect(conditions(serving({ corruptRefusals: 0, resumes: 9 }))).toEqual([]);
      expect(conditions(serving({ corruptRefusals: 1 }))).toEqual([
        expect.objectContaining({ alertname: 'ConductorExportCorruptChunks', severity: 'critical', labels: { tenant: 'acme' }, values: { refusals: 1 }, thresholds: { refusals: 0 }, forSeconds: 0 }),
      ]);
    });

    it('ConductorExportResumeFailures holds above two failed resumes in the window, with the successful ones beside them', () => {
      expect(conditions(serving({ resumeFailures: 2, resumes: 40 }))).toEqual([]);
      const [c] = conditions(serving({ resumeFailures: 3, resumes: 40 }));
      expect(c).toMatchObject({ alertname: 'ConductorExportResumeFailures', severity: 'warning', labels: { tenant: 'acme' }, values: { failures: 3, resumes: 40 }, thresholds: { failures: 2 }, forSeconds: 0 });
      expect(c!.summary).toBe('3 resumed export download(s) of acme did not get their range in the last 15 minutes (40 did)');
    });
  });

  it('uses the documented defaults', () => {
    expect(DEFAULT_RULES).toEqual({
      invalidationBacklog: { graceSeconds: 120, outboxStaleAfterSeconds: 600, forSeconds: 300 },
      purgeFailures: { windowMinutes: 5, firingAbove: 0, forSeconds: 0 },
      hitRatioDrop: { windowMinutes: 15, baselineMinutes: 60, drop: 0.2, minRequests: 100, forSeconds: 300 },
      exportCorruptChunks: { windowMinutes: 15, firingAbove: 0, forSeconds: 0 },
      exportResumeFailures: { windowMinutes: 15, firingAbove: 2, forSeconds: 0 },
    });
  });
});

describe('advance (the `for:` memory)', () => {
  const T0 = new Date('2026-11-26T12:00:00Z');
  const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
  const cond = (forSeconds: number, values: Record<string, number> = { count: 1 }): Condition => ({
    alertname: 'ConductorInvalidationBacklog',
    severity: 'critical',
    labels: { tenant: 'acme' },
    values,
    thresholds: { count: 1 },
    summary: 's',
    forSeconds,
  });
  const run = (steps: [seconds: number, holding: Condition[]][]) => {
    let memory: ReturnType<typeof advance>['active'] = [];
    return steps.map(([s, holding]) => {
      const r = advance(memory, holding, at(s));
      memory = r.active;
      return { states: r.active.map((a) => a.state), transitions: r.transitions.map((t) => `${t.previousState ?? '-'}→${t.state}`) };
    });
  };

  it('is pending while the condition holds less than `for`, firing from the first evaluation after, resolved when it stops', () => {
    expect(run([[0, [cond(300)]], [60, [cond(300)]], [299, [cond(300)]], [300, [cond(300)]], [360, [cond(300)]], [420, []], [480, []]])).toEqual([
      { states: ['pending'], transitions: ['-→pending'] },
      { states: ['pending'], transitions: [] },
      { states: ['pending'], transitions: [] },
      { states: ['firing'], transitions: ['pending→firing'] },
      { states: ['firing'], transitions: [] },
      { states: [], transitions: ['firing→resolved'] },
      { states: [], transitions: [] },
    ]);
  });

  it('forgets a condition that stops before `for`: it must hold again for the whole duration', () => {
    expect(run([[0, [cond(300)]], [240, []], [300, [cond(300)]], [540, [cond(300)]], [600, [cond(300)]]])).toEqual([
      { states: ['pending'], transitions: ['-→pending'] },
      { states: [], transitions: ['pending→resolved'] },
      { states: ['pending'], transitions: ['-→pending'] },
      { states: ['pending'], transitions: [] },
      { states: ['firing'], transitions: ['pending→firing'] },
    ]);
  });

  it('fires at once with `for: 0`', () => {
    expect(run([[0, [cond(0)]], [60, [cond(0)]], [120, []]])).toEqual([
      { states: ['firing'], transitions: ['-→firing'] },
      { states: ['firing'], transitions: [] },
      { states: [], transitions: ['firing→resolved'] },
    ]);
  });

  it('keeps when it started and when it fired, and takes the latest values; a resolution carries the last ones', () => {
    const first = advance([], [cond(60, { count: 1 })], at(0));
    const fired = advance(first.active, [cond(60, { count: 5 })], at(60));
    expect(fired.active[0]).toMatchObject({ state: 'firing', activeSince: at(0), firingSince: at(60), evaluatedAt: at(60), values: { count: 5 } });
    const still = advance(fired.active, [cond(60, { count: 2 })], at(120));
    expect(still.active[0]).toMatchObject({ activeSince: at(0), firingSince: at(60), values: { count: 2 } });
    expect(advance(still.active, [], at(180)).transitions).toEqual([
      { at: at(180), alertname: 'ConductorInvalidationBacklog', labels: { tenant: 'acme' }, state: 'resolved', previousState: 'firing', severity: 'critical', values: { count: 2 }, summary: 's' },
    ]);
  });

  it('tells alerts apart by name and labels, and orders firing first', () => {
    const other = { ...cond(0), alertname: 'ConductorPurgeFailures' };
    const globex = { ...cond(300), labels: { tenant: 'globex' } };
    const { active } = advance([], [globex, cond(300), other], at(0));
    expect(active.map((a) => [a.alertname, a.labels.tenant, a.state])).toEqual([
      ['ConductorPurgeFailures', 'acme', 'firing'],
      ['ConductorInvalidationBacklog', 'acme', 'pending'],
      ['ConductorInvalidationBacklog', 'globex', 'pending'],
    ]);
  });
});
