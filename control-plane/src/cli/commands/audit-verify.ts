import { AuditVerificationSchema } from '@conductor/schema/contracts/audit';
import { ensureDevSecrets } from '@conductor/schema/auth/dev-keys';
import { mintToken } from '@conductor/schema/auth/tokens';
import { CliError, parseOptions, type Command } from '../command.ts';

const DEFAULT_CONTROL_PLANE_URL = 'http://127.0.0.1:8788';

/**
 * Asks the running control plane to walk the chain rather than opening the database here: the
 * embedded PGlite directory admits one process at a time, and the server already holds it.
 */
export const auditVerifyCommand: Command = {
  name: 'audit verify',
  summary: 'walk the hash-chained audit log and report the first broken row',
  usage: `Usage: conductor audit verify [--control-plane URL]

Calls GET /v1/audit/verify with a short-lived platform token signed by the dev key.
Exits 0 when the chain verifies, 1 when a row was altered or removed.
  --control-plane URL   default $CONTROL_PLANE_URL or ${DEFAULT_CONTROL_PLANE_URL}`,

  async run(args, io) {
    const opts = parseOptions(args, { 'control-plane': { type: 'string' } });
    const base = opts['control-plane'] || io.env.CONTROL_PLANE_URL || DEFAULT_CONTROL_PLANE_URL;
    const { privateJwk } = await ensureDevSecrets(io.env.CONDUCTOR_DATA_DIR || undefined);
    const token = await mintToken(privateJwk, { tenant: 'conductor', sub: 'cli:audit-verify', scopes: ['admin.read'], ttl: '2m' });
    let res: Response;
    try {
      res = await fetch(new URL('/v1/audit/verify', base), { headers: { authorization: `Bearer ${token}` } });
    } catch (err) {
      throw new CliError('CONTROL_PLANE_UNAVAILABLE', `cannot reach ${base}: ${(err as Error).message}`);
    }
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
      throw new CliError(error?.code ?? `HTTP_${res.status}`, error?.message ?? res.statusText);
    }
    const result = AuditVerificationSchema.parse(body);
    if (!result.ok) throw new CliError('AUDIT_CHAIN_BROKEN', `row ${result.brokenAt}: ${result.reason}`);
    io.stdout(`audit chain verified: ${result.rows} rows\n`);
  },
};
