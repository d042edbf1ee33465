import { describe, expect, it } from 'vitest';
import { HotEntries, type HotEntry } from './hot-entries.ts';

const T0 = 1_000_000;
const entry = (body: string, retainUntil = T0 + 60_000): HotEntry => ({
  body,
  contentType: 'application/json',
  originCacheControl: null,
  bytes: body.length,
  storedAt: T0,
  expiresAt: Math.min(retainUntil, T0 + 1_000),
  retainUntil,
});

describe('HotEntries', () => {
  it('returns an entry until its retention ends (stale ones too), then forgets it', () => {
    const hot = new HotEntries();
    hot.set('u1', entry('a', T0 + 5_000));
    expect(hot.get('u1', T0 + 4_999)?.body).toBe('a');
    expect(hot.get('u1', T0 + 5_000)).toBeNull();
    expect(hot.size).toBe(0);
  });

  it('evicts the least recently used entry past the entry bound', () => {
    const hot = new HotEntries(2, 1_000);
    hot.set('u1', entry('a'));
    hot.set('u2', entry('b'));
    expect(hot.get('u1', T0)?.body).toBe('a'); // u1 is now the most recently used
    hot.set('u3', entry('c'));
    expect(hot.get('u2', T0)).toBeNull();
    expect(hot.get('u1', T0)?.body).toBe('a');
    expect(hot.get('u3', T0)?.body).toBe('c');
  });

  it('evicts past the byte bound and keeps the count right on overwrite', () => {
    const hot = new HotEntries(100, 10);
    hot.set('u1', entry('12345'));
    hot.set('u1', entry('123456'));
    hot.set('u2', entry('1234'));
    expect(hot.size).toBe(2);
    hot.set('u3', entry('1'));
    expect(hot.get('u1', T0)).toBeNull();
    expect(hot.get('u2', T0)?.body).toBe('1234');
    expect(hot.get('u3', T0)?.body).toBe('1');
  });

  it('does not keep one body larger than a slice of the tier', () => {
    const hot = new HotEntries();
    hot.set('big', entry('x'.repeat(300 * 1024)));
    expect(hot.get('big', T0)).toBeNull();
  });
});
