import { describe, expect, it } from 'vitest';
import { PurgeSecretSchema } from './purge-secret.ts';
import { PURGE_SECRET_MIN_LENGTH } from './webhook-signature.ts';

describe('PurgeSecretSchema', () => {
  it('takes a secret of at least 32 characters, such as the 64-hex-character dev secret', () => {
    expect(PURGE_SECRET_MIN_LENGTH).toBe(32);
    expect(PurgeSecretSchema.parse('k'.repeat(32))).toBe('k'.repeat(32));
    expect(PurgeSecretSchema.safeParse('0123456789abcdef'.repeat(4)).success).toBe(true);
  });

  it('refuses a shorter one, saying how long it must be', () => {
    for (const short of ['', 'short-secret', 'k'.repeat(16), 'k'.repeat(31)]) {
      const parsed = PurgeSecretSchema.safeParse(short);
      expect(parsed.success, short).toBe(false);
      expect(parsed.error?.issues[0]?.message).toBe('at least 32 characters');
    }
  });
});
