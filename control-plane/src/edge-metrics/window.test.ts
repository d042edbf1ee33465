import { describe, expect, it } from 'vitest';
import { apiFailure } from '../testing/api-error.ts';
import { checkStep, lastWholeMinutes, parseWindow, precedingWindow } from './window.ts';

const NOW = new Date('2026-11-26T12:00:00Z');

describe('parseWindow', () => {
  it('defaults to the hour before now, and to the hour before `to`', () => {
    expect(parseWindow({}, NOW)).toEqual({ from: new Date('2026-11-26T11:00:00Z'), to: NOW });
    expect(parseWindow({ to: '2026-11-25T10:00:00Z' }, NOW)).toEqual({ from: new Date('2026-11-25T09:00:00Z'), to: new Date('2026-11-25T10:00:00Z') });
  });

  it('takes another default length where the question needs one (TTL tuning: a day)', () => {
    expect(parseWindow({}, NOW, 1440)).toEqual({ from: new Date('2026-11-25T12:00:00Z'), to: NOW });
  });

  it('accepts offsets and a window of exactly seven days', () => {
    expect(parseWindow({ from: '2026-11-19T13:00:00+01:00', to: '2026-11-26T12:00:00Z' }, NOW).from).toEqual(new Date('2026-11-19T12:00:00Z'));
  });

  it.each([
    ['from equal to to', { from: '2026-11-26T10:00:00Z', to: '2026-11-26T10:00:00Z' }, 'query.from'],
    ['from after to', { from: '2026-11-26T11:00:00Z', to: '2026-11-26T10:00:00Z' }, 'query.from'],
    ['a window over seven days', { from: '2026-11-19T11:59:59Z', to: '2026-11-26T12:00:00Z' }, 'longer than the maximum of 168 hours'],
  ])('refuses %s', (_name, query, message) => {
    const failure = apiFailure(() => parseWindow(query, NOW));
    expect(failure).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(failure.message).toContain(message);
  });
});

describe('checkStep', () => {
  it('allows up to 1440 points and names the step that would fit', () => {
    const day = { from: new Date('2026-11-25T12:00:00Z'), to: NOW };
    expect(() => checkStep(day, 1)).not.toThrow();
    const week = { from: new Date('2026-11-19T12:00:00Z'), to: NOW };
    const failure = apiFailure(() => checkStep(week, 1));
    expect(failure).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(failure.message).toContain('use step=7');
    expect(() => checkStep(week, 7)).not.toThrow();
  });
});

describe('lastWholeMinutes', () => {
  it('leaves out the minute in progress', () => {
    const w = lastWholeMinutes(new Date('2026-11-26T12:00:42Z'), 15);
    expect(w).toEqual({ from: new Date('2026-11-26T11:45:00Z'), to: new Date('2026-11-26T12:00:00Z') });
    expect(precedingWindow(w, 60)).toEqual({ from: new Date('2026-11-26T10:45:00Z'), to: new Date('2026-11-26T11:45:00Z') });
  });
});
