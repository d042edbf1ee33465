import { asc, eq, sql } from 'drizzle-orm';
import { auditLog } from '@conductor/schema/audit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenants } from '@conductor/schema/tenants';
import { PLATFORM_ADMIN, startTestApp, tenantAdmin, tenantReader, type TestApp } from '../testing/app.ts';
import { recordAudit } from './record.ts';
import { verifyAuditChain } from './verify.ts';

let t: TestApp;
let root: string;
beforeAll(async () => {
  t = await startTestApp();
  root = await t.token(PLATFORM_ADMIN);
});
afterAll(() => t.close());

interface Page {
  entries: Array<{ seq: number; tenantId: string | null; action: string; prevHash: string; rowHash: string }>;
  nextBefore: number | null;
}

describe('audit chain', () => {
  it('links every row to the previous one and verifies after several writes', async () => {
    for (const id of ['acme', 'globex', 'initech']) {
      expect((await t.call('POST', '/v1/tenants', { token: root, body: { id, name: id } })).status).toBe(201);
    }
    const admin = await t.token(tenantAdmin('acme'));
    expect((await t.call('PATCH', '/v1/tenants/acme', { token: admin, body: { name: 'Acme Corp' } })).status).toBe(200);
    expect((await t.call('PATCH', '/v1/tenants/acme', { token: admin, body: { strictSafelist: true } })).status).toBe(200);

    const page = (await (await t.call('GET', '/v1/audit', { token: root })).json()) as Page;
    expect(page.entries.map((e) => e.action)).toEqual(['tenant.update', 'tenant.update', 'tenant.create', 'tenant.create', 'tenant.create']);
    const ascending = [...page.entries].reverse();
    expect(ascending[0]!.prevHash).toBe('0'.repeat(64));
    for (let i = 1; i < ascending.length; i++) expect(ascending[i]!.prevHash).toBe(ascending[i - 1]!.rowHash);

    const verify = await t.call('GET', '/v1/audit/verify', { token: root });
    expect(await verify.json()).toEqual({ ok: true, rows: 5 });
  });

  it('rolls the audit row back with a failed change (same transaction)', async () => {
    const before = await verifyAuditChain(t.db);
    await expect(
      t.db.transaction(async (tx) => {
        await tx.insert(tenants).values({ id: 'rollback', name: 'R' });
        await recordAudit(tx, { actor: 'user:test', tenantId: 'rollback', action: 'tenant.create', target: 'tenant:rollback', payload: {} });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await verifyAuditChain(t.db)).toEqual(before);
  });

  it('stays one chain under concurrent writers', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.db.transaction((tx) => recordAudit(tx, { actor: `user:${i}`, tenantId: null, action: 'test.concurrent', target: `n:${i}`, payload: { i } })),
      ),
    );
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, rows: 13 });
  });

  it('pages newest first with a cursor', async () => {
    const first = (await (await t.call('GET', '/v1/audit?limit=4', { token: root })).json()) as Page;
    expect(first.entries).toHaveLength(4);
    expect(first.nextBefore).toBe(first.entries[3]!.seq);
    const second = (await (await t.call('GET', `/v1/audit?limit=4&before=${first.nextBefore}`, { token: root })).json()) as Page;
    expect(second.entries[0]!.seq).toBeLessThan(first.entries[3]!.seq);
  });

  it("lets a tenant member read its own tenant's entries but not another's, nor the whole log", async () => {
    const reader = await t.token(tenantReader('acme'));
    const own = (await (await t.call('GET', '/v1/audit?tenant=acme', { token: reader })).json()) as Page;
    expect(own.entries.length).toBeGreaterThan(0);
    expect(own.entries.every((e) => e.tenantId === 'acme')).toBe(true);
    expect((await t.call('GET', '/v1/audit?tenant=globex', { token: reader })).status).toBe(403);
    const noScope = await t.token({ tenant: 'acme', sub: 'user:nobody' });
    expect((await t.call('GET', '/v1/audit', { token: noScope })).status).toBe(403);
  });

  it('reports the seq of a row whose payload was tampered with, and verifies again once restored', async () => {
    const page = (await (await t.call('GET', '/v1/audit?tenant=globex', { token: root })).json()) as Page;
    const target = page.entries[0]!.seq;
    const [original] = await t.db.select({ payload: sql<string>`${auditLog.payload}::text` }).from(auditLog).where(eq(auditLog.seq, target));
    const originalPayload = original!.payload;

    await t.db.execute(sql`update audit_log set payload = '{"id":"globex","name":"Evil"}'::jsonb where seq = ${target}`);
    const verify = (await (await t.call('GET', '/v1/audit/verify', { token: root })).json()) as { ok: boolean; brokenAt: number; reason: string };
    expect(verify).toMatchObject({ ok: false, brokenAt: target });
    expect(verify.reason).toMatch(/row_hash/);

    await t.db.execute(sql`update audit_log set payload = ${originalPayload}::jsonb where seq = ${target}`);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('catches a deleted row whose successor was relinked to the row before it', async () => {
    // The tampering the chain exists to catch: every prev_hash still points at the row before it,
    // so only the successor's row_hash (which covers its prev_hash) can give the deletion away.
    // Done in a transaction that is rolled back, so the chain stays intact for the next tests.
    const rollback = new Error('rollback');
    await expect(
      t.db.transaction(async (tx) => {
        const [before, deleted, after] = await tx.select().from(auditLog).orderBy(asc(auditLog.seq)).limit(3);
        await tx.delete(auditLog).where(eq(auditLog.seq, deleted!.seq));
        await tx.update(auditLog).set({ prevHash: before!.rowHash }).where(eq(auditLog.seq, after!.seq));
        const result = await verifyAuditChain(tx);
        expect(result).toMatchObject({ ok: false, brokenAt: after!.seq });
        expect(result.ok === false && result.reason).toMatch(/row_hash/);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('reports a deleted row at the row that followed it', async () => {
    const rows = (await (await t.call('GET', '/v1/audit?limit=3', { token: root })).json()) as Page;
    const [newest, middle] = rows.entries;
    await t.db.execute(sql`delete from audit_log where seq = ${middle!.seq}`);
    const result = await verifyAuditChain(t.db);
    expect(result).toMatchObject({ ok: false, brokenAt: newest!.seq });
    expect(result.ok === false && result.reason).toMatch(/prev_hash/);
  });
});
