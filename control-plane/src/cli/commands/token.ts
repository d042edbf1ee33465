import { AUTOMATION_ACTOR_PREFIX, TenantIdSchema } from '@conductor/schema/contracts/auth';
import { ensureDevSecrets } from '@conductor/schema/auth/dev-keys';
import { mintToken } from '@conductor/schema/auth/tokens';
import { parseOptions, splitList, UsageError, type Command } from '../command.ts';

// jose's duration grammar, restricted to what an operator would type.
const TTL_PATTERN = /^\d+\s*(s|sec|secs|m|min|mins|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)?$/;

export const tokenCommand: Command = {
  name: 'token',
  summary: 'mint a JWT signed by the local dev key',
  usage: `Usage: conductor token --tenant T [--roles a,b] [--scopes x,y] [--tenants t2,t3] [--sub S] [--clearance N] [--purposes p,q] [--ttl 1h]

Prints only the JWT, signed with the Ed25519 dev key under $CONDUCTOR_DATA_DIR (default ./.data).
  --tenant     home tenant (claim "tenant")
  --roles      comma-separated roles
  --scopes     comma-separated scopes, e.g. admin.write
  --tenants    further tenants a multi-tenant admin may act in
  --sub        subject (default user:<tenant>)
  --clearance  0-5 (default 0; 4 and up is high clearance)
  --purposes   comma-separated purposes the token allows data to be used for, e.g. investigation
  --ttl        lifetime: seconds or 15m, 1h, 7d (default 1h)`,

  async run(args, io) {
    const opts = parseOptions(args, {
      tenant: { type: 'string' },
      roles: { type: 'string' },
      scopes: { type: 'string' },
      tenants: { type: 'string' },
      sub: { type: 'string' },
      clearance: { type: 'string' },
      purposes: { type: 'string' },
      ttl: { type: 'string' },
    });
    if (!opts.tenant) throw new UsageError('--tenant is required');
    const tenants = splitList(opts.tenants) ?? [];
    for (const t of [opts.tenant, ...tenants]) {
      if (!TenantIdSchema.safeParse(t).success) throw new UsageError(`invalid tenant id "${t}": lowercase letters, digits, dashes`);
    }
    if (opts.ttl !== undefined && !TTL_PATTERN.test(opts.ttl)) throw new UsageError(`invalid --ttl "${opts.ttl}": use seconds or e.g. 15m, 1h, 7d`);
    const clearance = opts.clearance === undefined ? undefined : Number(opts.clearance);
    if (clearance !== undefined && !(Number.isInteger(clearance) && clearance >= 0 && clearance <= 5)) {
      throw new UsageError('--clearance must be an integer from 0 to 5');
    }
    if (opts.sub !== undefined && !opts.sub.trim()) throw new UsageError('--sub must not be empty');
    if (opts.sub?.startsWith(AUTOMATION_ACTOR_PREFIX)) throw new UsageError(`--sub must not start with "${AUTOMATION_ACTOR_PREFIX}" (automation never holds a token)`);

    const { privateJwk } = await ensureDevSecrets(io.env.CONDUCTOR_DATA_DIR || undefined);
    const token = await mintToken(privateJwk, {
      tenant: opts.tenant,
      tenants,
      sub: opts.sub,
      roles: splitList(opts.roles),
      scopes: splitList(opts.scopes),
      clearance,
      purposes: splitList(opts.purposes),
      // Bare digits are seconds; jose reads a number as seconds too.
      ttl: opts.ttl === undefined ? undefined : /^\d+$/.test(opts.ttl) ? Number(opts.ttl) : opts.ttl,
    });
    io.stdout(`${token}\n`);
  },
};
