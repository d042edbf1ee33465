import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, evaluateAlerts, type AlertInput } from './rules.ts';

const none: AlertInput = { backlog: [], purgeFailures: [], hitRatios: [] };

describe('evaluateAlerts', () => {
  it('raises nothing on a healthy system', () => {
    expect(evaluateAlerts(none)).toEqual([]);
    expect(evaluateAlerts({ ...none, backlog: [{ tenant: 'acme', count: 0, oldestAgeSeconds: 0 }], purgeFailures: [{ tenant: 'acme', failures: 0 }] })).toEqual([]);
  });

  describe('ConductorInvalidationBacklog', () => {
    it.each([
      [1, 121, 'pending'],
      [9, 599, 'pending'],
      [10, 130, 'firing'],
      [1, 600, 'firing'],
    ])('%i unacknowledged, oldest %is → %s', (count, oldestAgeSeconds, state) => {
      const [alert] = evaluateAlerts({ ...none, backlog: [{ tenant: 'acme', count, oldestAgeSeconds }] });
      expect(alert).toMatchObject({
        alertname: 'ConductorInvalidationBacklog',
        state,
        severity: 'critical',
        labels: { tenant: 'acme' },
        values: { count, oldestAgeSeconds },
        thresholds: { count: 10, oldestAgeSeconds: 600 },
      });
    });
  });

  it('ConductorPurgeFailures fires on any failure in the window', () => {
    expect(evaluateAlerts({ ...none, purgeFailures: [{ tenant: 'globex', failures: 1 }] })).toEqual([
      {
        alertname: 'ConductorPurgeFailures',
        state: 'firing',
        severity: 'critical',
        labels: { tenant: 'globex' },
        values: { failures: 1 },
        thresholds: { failures: 0 },
        summary: '1 purge(s) of globex failed in the last 5 minutes',
      },
    ]);
  });

  describe('ConductorHitRatioDrop', () => {
    const ratio = (current: [number, number], baseline: [number, number]) =>
      evaluateAlerts({ ...none, hitRatios: [{ tenant: 'acme', operation: 'GetEntity', current: { requests: current[0], hits: current[1] }, baseline: { requests: baseline[0], hits: baseline[1] } }] });

    it('fires on a drop of 20 points or more with enough traffic on both sides', () => {
      const [alert] = ratio([100, 70], [400, 360]);
      expect(alert).toMatchObject({ alertname: 'ConductorHitRatioDrop', state: 'firing', severity: 'warning', labels: { tenant: 'acme', operation: 'GetEntity' } });
      expect(alert!.values.drop).toBeCloseTo(0.2, 12);
    });
    it('is pending while the current window has too few requests to be sure', () => {
      expect(ratio([20, 2], [400, 360])[0]).toMatchObject({ state: 'pending' });
    });
    it('stays quiet below the drop, without a baseline, or without current traffic', () => {
      expect(ratio([100, 71], [400, 360])).toEqual([]);
      expect(ratio([100, 0], [99, 99])).toEqual([]);
      expect(ratio([0, 0], [400, 400])).toEqual([]);
    });
  });

  it('orders firing before pending, then by name and labels', () => {
    const alerts = evaluateAlerts({
      backlog: [
        { tenant: 'b', count: 1, oldestAgeSeconds: 200 },
        { tenant: 'a', count: 50, oldestAgeSeconds: 900 },
      ],
      purgeFailures: [{ tenant: 'a', failures: 2 }],
      hitRatios: [],
    });
    expect(alerts.map((a) => [a.alertname, a.state, a.labels.tenant])).toEqual([
      ['ConductorInvalidationBacklog', 'firing', 'a'],
      ['ConductorPurgeFailures', 'firing', 'a'],
      ['ConductorInvalidationBacklog', 'pending', 'b'],
    ]);
  });

  it('uses the documented default thresholds', () => {
    expect(DEFAULT_RULES).toEqual({
      invalidationBacklog: { graceSeconds: 120, firingCount: 10, firingOldestAgeSeconds: 600 },
      purgeFailures: { windowMinutes: 5, firingAbove: 0 },
      hitRatioDrop: { windowMinutes: 15, baselineMinutes: 60, drop: 0.2, minRequests: 100 },
    });
  });
});
