import { createPurgeClient, PurgeError, type PurgeRequest, PurgeRequestSchema, PurgeSecretSchema, variablesHash } from '@conductor/sdk';
import { ensureDevSecrets } from '@conductor/schema/auth/dev-keys';
import { CliError, parseOptions, UsageError, type Command } from '../command.ts';

const DEFAULT_EDGE_URL = 'http://127.0.0.1:8787';

export const purgeCommand: Command = {
  name: 'purge',
  summary: "sign and send a purge (or its dry run) to the edge's /__edge/purge hook, print the receipt",
  usage: `Usage: conductor purge --tenant T (--mutation OP [--vars JSON] | --op OPID [--vars-hash H | --vars JSON] | --all)
                       [--edge URL] [--purge-id ID | --dry-run]

Targets (exactly one):
  --mutation OP   a mutation root field, resolved through the invalidation map with --vars as its arguments
  --op OPID       one safelisted operation (sha256:<hex>); narrowed to one variant by --vars-hash,
                  or by --vars whose canonical hash is computed for you
  --all           everything cached for the tenant
Options:
  --edge URL      edge base URL (default $EDGE_URL or ${DEFAULT_EDGE_URL})
  --purge-id ID   reuse an id to resend a purge idempotently (default: a fresh UUID)
  --dry-run       purge nothing; print what the purge would do: the tags, the operations they reach
                  and the live entries it would make unreachable (a mutation the invalidation map
                  does not cover is an UNKNOWN_OPERATION error, as the purge would be)
The HMAC secret is $PURGE_SIGNING_SECRET, else the dev secret under $CONDUCTOR_DATA_DIR.`,

  async run(args, io) {
    const opts = parseOptions(args, {
      tenant: { type: 'string' },
      mutation: { type: 'string' },
      op: { type: 'string' },
      all: { type: 'boolean' },
      vars: { type: 'string' },
      'vars-hash': { type: 'string' },
      edge: { type: 'string' },
      'purge-id': { type: 'string' },
      'dry-run': { type: 'boolean' },
    });
    if (!opts.tenant) throw new UsageError('--tenant is required');
    const targets = [opts.mutation !== undefined, opts.op !== undefined, opts.all === true].filter(Boolean).length;
    if (targets !== 1) throw new UsageError('give exactly one of --mutation, --op, --all');
    if (opts['vars-hash'] !== undefined && opts.op === undefined) throw new UsageError('--vars-hash only goes with --op');
    if (opts['vars-hash'] !== undefined && opts.vars !== undefined) throw new UsageError('give --vars or --vars-hash, not both');
    if (opts.all && opts.vars !== undefined) throw new UsageError('--vars does not go with --all');

    if (opts['vars-hash'] !== undefined && !/^[0-9a-f]{64}$/.test(opts['vars-hash'])) {
      throw new UsageError('--vars-hash must be 64 lowercase hex characters (sha256 of the canonical variables)');
    }
    const purgeId = opts['purge-id'];
    if (purgeId !== undefined && (purgeId.length < 8 || purgeId.length > 128)) throw new UsageError('--purge-id must be 8 to 128 characters');
    if (purgeId !== undefined && opts['dry-run']) throw new UsageError('--purge-id does not go with --dry-run: a dry run applies nothing, so it has no id');

    const vars = opts.vars === undefined ? undefined : parseVars(opts.vars);
    const base = { purgeId: purgeId ?? crypto.randomUUID(), tenant: opts.tenant };
    let request: PurgeRequest;
    if (opts.mutation !== undefined) request = { ...base, mutation: { op: opts.mutation, variables: vars ?? {} } };
    else if (opts.op !== undefined) {
      const varsHash = opts['vars-hash'] ?? (vars === undefined ? undefined : await variablesHash(vars));
      request = varsHash === undefined ? { ...base, opId: opts.op } : { ...base, opId: opts.op, varsHash };
    } else request = { ...base, all: true };

    const checked = PurgeRequestSchema.safeParse(request);
    if (!checked.success) throw new UsageError(checked.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '));

    // Empty env values count as unset, as in shells that export VAR= to clear it.
    const edgeUrl = opts.edge ?? (io.env.EDGE_URL || DEFAULT_EDGE_URL);
    if (!URL.canParse(edgeUrl)) throw new UsageError(`invalid edge URL "${edgeUrl}"`);
    const fromEnv = io.env.PURGE_SIGNING_SECRET ? PurgeSecretSchema.safeParse(io.env.PURGE_SIGNING_SECRET) : undefined;
    if (fromEnv && !fromEnv.success) throw new UsageError(`PURGE_SIGNING_SECRET: ${fromEnv.error.issues[0]!.message}`);
    const secret = fromEnv?.data ?? (await ensureDevSecrets(io.env.CONDUCTOR_DATA_DIR || undefined)).purgeSecret;

    try {
      const client = createPurgeClient({ edgeUrl, secret });
      const answer = opts['dry-run'] ? await client.dryRun(checked.data) : await client.purge(checked.data);
      io.stdout(`${JSON.stringify(answer, null, 2)}\n`);
    } catch (err) {
      if (err instanceof PurgeError) throw new CliError(err.code, err.status ? `${err.message} (HTTP ${err.status})` : err.message);
      throw err;
    }
  },
};

function parseVars(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--vars is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError('--vars must be a JSON object, e.g. {"id":"7"}');
  return value as Record<string, unknown>;
}
