import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { REPLAY_WINDOW_SECONDS, signWebhook, verifyWebhook } from './webhook-signature.ts';

const secret = 'test-secret-0123456789';
const body = '{"purgeId":"p-123456","tenant":"acme","all":true}';
const t = 1_780_000_000;

// Independent reference: Node's own HMAC over `${t}.${body}`.
function referenceMac(key: string, timestamp: number, raw: string): string {
  return createHmac('sha256', key).update(`${timestamp}.${raw}`).digest('hex');
}

describe('signWebhook', () => {
  it('writes t=<unix>,v1=HMAC-SHA256(secret, t.body)', async () => {
    expect(await signWebhook(secret, body, t)).toBe(`t=${t},v1=${referenceMac(secret, t, body)}`);
  });
});

describe('verifyWebhook', () => {
  it('accepts a valid signature', async () => {
    const header = await signWebhook(secret, body, t);
    expect(await verifyWebhook(secret, body, header, t + 10)).toEqual({ ok: true, timestamp: t });
  });

  it('rejects a tampered body', async () => {
    const header = await signWebhook(secret, body, t);
    const result = await verifyWebhook(secret, body.replace('acme', 'globex'), header, t);
    expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('rejects a signature made with another secret', async () => {
    const header = await signWebhook('another-secret', body, t);
    expect(await verifyWebhook(secret, body, header, t)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('rejects a signature whose timestamp was changed after signing', async () => {
    const header = (await signWebhook(secret, body, t)).replace(`t=${t}`, `t=${t + 1}`);
    expect(await verifyWebhook(secret, body, header, t)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('rejects a replay older than the window and accepts one at its edge', async () => {
    const header = await signWebhook(secret, body, t);
    expect(await verifyWebhook(secret, body, header, t + REPLAY_WINDOW_SECONDS)).toMatchObject({ ok: true });
    expect(await verifyWebhook(secret, body, header, t + REPLAY_WINDOW_SECONDS + 1)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_EXPIRED',
    });
  });

  it('rejects a timestamp from the future beyond the window', async () => {
    const header = await signWebhook(secret, body, t + REPLAY_WINDOW_SECONDS + 1);
    expect(await verifyWebhook(secret, body, header, t)).toMatchObject({ ok: false, code: 'SIGNATURE_EXPIRED' });
  });

  it('reports a missing header', async () => {
    expect(await verifyWebhook(secret, body, null, t)).toMatchObject({ ok: false, code: 'SIGNATURE_MISSING' });
    expect(await verifyWebhook(secret, body, '', t)).toMatchObject({ ok: false, code: 'SIGNATURE_MISSING' });
  });

  it.each([
    ['no v1', `t=${t}`],
    ['no timestamp', `v1=${'a'.repeat(64)}`],
    ['a non-numeric timestamp', `t=soon,v1=${'a'.repeat(64)}`],
    ['a short digest', `t=${t},v1=abc123`],
    ['an uppercase digest', `t=${t},v1=${'A'.repeat(64)}`],
    ['garbage', 'sha256=deadbeef'],
  ])('reports a malformed header: %s', async (_label, header) => {
    expect(await verifyWebhook(secret, body, header, t)).toMatchObject({ ok: false, code: 'SIGNATURE_MALFORMED' });
  });

  it('accepts a header with two v1 values when one of them is valid (secret rotation)', async () => {
    const valid = referenceMac(secret, t, body);
    const stale = referenceMac('old-secret', t, body);
    expect(await verifyWebhook(secret, body, `t=${t},v1=${stale},v1=${valid}`, t)).toMatchObject({ ok: true });
    expect(await verifyWebhook(secret, body, `t=${t}, v1=${valid}, v1=${stale}`, t)).toMatchObject({ ok: true });
  });

  it('rejects a header with two v1 values when neither is valid', async () => {
    const header = `t=${t},v1=${referenceMac('x', t, body)},v1=${referenceMac('y', t, body)}`;
    expect(await verifyWebhook(secret, body, header, t)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });
});
