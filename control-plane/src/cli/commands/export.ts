import cliProgress from 'cli-progress';
import { ExportCreatedSchema, ExportIdSchema, ExportRequestSchema, ExportSummarySchema } from '@conductor/schema/contracts/exports';
import {
  formatBytes,
  jwksUrl,
  loadJwks,
  progressFields,
  progressLine,
  PROGRESS_BAR_FORMAT,
  PullError,
  pullExport,
  RateMeter,
  verifyExportDir,
  type PullProgress,
} from '../../exports/pull/index.ts';
import { CliError, parseOptionsAndOperands, splitList, UsageError, type CliIO, type Command } from '../command.ts';

const DEFAULT_CONTROL_PLANE_URL = 'http://127.0.0.1:8788';
const DEFAULT_PARALLEL = 4;
const MAX_PARALLEL = 32;

const CONNECTION_HELP = `  --token T             bearer token (default $CONDUCTOR_TOKEN; mint one with \`conductor token\`)
  --control-plane URL   default $CONTROL_PLANE_URL or ${DEFAULT_CONTROL_PLANE_URL}`;

const connectionOptions = {
  token: { type: 'string' },
  'control-plane': { type: 'string' },
} as const;

export const exportCreateCommand: Command = {
  name: 'export create',
  summary: 'request a RAG-safe export of a tenant’s documents (it then waits for review)',
  usage: `Usage: conductor export create --tenant T --license L --purpose P[,Q] [--redact] [--max-documents N]

POST /v1/exports (kind extractive-summary); prints the export id and its status.
  --tenant T            the tenant whose documents are exported
  --license L           one of the tenant's allowed licences, e.g. Restricted-TOS
  --purpose P[,Q]       what the export will be used for; the token must allow each, e.g. investigation
  --redact              keep sentences with PII, each finding replaced by its type ([EMAIL]); default: drop them
  --max-documents N     read at most N documents
${CONNECTION_HELP}`,

  async run(args, io) {
    const { values: opts, positionals } = parseOptionsAndOperands(args, {
      ...connectionOptions,
      tenant: { type: 'string' },
      license: { type: 'string' },
      purpose: { type: 'string' },
      redact: { type: 'boolean' },
      'max-documents': { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    for (const flag of ['tenant', 'license', 'purpose'] as const) if (!opts[flag]) throw new UsageError(`--${flag} is required`);
    const maxDocuments = opts['max-documents'] === undefined ? undefined : positiveInteger('--max-documents', opts['max-documents']);
    const request = ExportRequestSchema.safeParse({
      tenant: opts.tenant,
      kind: 'extractive-summary',
      license: opts.license,
      purpose: splitList(opts.purpose),
      redact: opts.redact ?? false,
      ...(maxDocuments === undefined ? {} : { maxDocuments }),
    });
    if (!request.success) throw new UsageError(request.error.issues.map((i) => i.message).join('; '));
    const { base, token } = connection(opts, io);
    const created = ExportCreatedSchema.parse(await callControlPlane(base, token, 'POST', '/v1/exports', request.data));
    io.stdout(`${created.exportId} ${created.status}\n`);
  },
};

export const exportStatusCommand: Command = {
  name: 'export status',
  summary: 'show an export: status, proofs, size, who asked and who reviewed',
  usage: `Usage: conductor export status ID

GET /v1/exports/{ID}; prints it as JSON.
${CONNECTION_HELP}`,

  async run(args, io) {
    const { values: opts, positionals } = parseOptionsAndOperands(args, connectionOptions);
    const exportId = oneExportId(positionals);
    const { base, token } = connection(opts, io);
    const summary = ExportSummarySchema.parse(await callControlPlane(base, token, 'GET', `/v1/exports/${encodeURIComponent(exportId)}`));
    io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  },
};

export const exportPullCommand: Command = {
  name: 'export pull',
  summary: 'download an approved export, verifying every chunk and the signed manifest; resumes',
  usage: `Usage: conductor export pull ID --out DIR [--parallel N] [--jwks FILE|URL]

Writes DIR/manifest.json (the signed manifest) and DIR/chunks/000000.jsonl, … (\`cat DIR/chunks/*.jsonl\`
is the export's JSONL). The manifest's signature is checked against the control plane's JWKS and
its Merkle root against its chunk list; each chunk against its SHA-256 as it streams. Run it again
after a kill or a network failure: chunks on disk are re-hashed, not fetched, and a partial chunk
(.part) is resumed with Range. Exits 1 naming the failed check; a bad chunk is kept as .rejected
and fetched again by the next run.
  --out DIR             where to write (created if absent; must hold no other export)
  --parallel N          chunks fetched at once (default ${DEFAULT_PARALLEL}, at most ${MAX_PARALLEL})
  --jwks FILE|URL       keys to check the signature with (default: the control plane's /.well-known/jwks.json)
${CONNECTION_HELP}`,

  async run(args, io) {
    const { values: opts, positionals } = parseOptionsAndOperands(args, {
      ...connectionOptions,
      out: { type: 'string' },
      parallel: { type: 'string' },
      jwks: { type: 'string' },
    });
    const exportId = oneExportId(positionals);
    if (!opts.out) throw new UsageError('--out is required');
    const parallel = opts.parallel === undefined ? DEFAULT_PARALLEL : positiveInteger('--parallel', opts.parallel);
    if (parallel > MAX_PARALLEL) throw new UsageError(`--parallel must be at most ${MAX_PARALLEL}`);
    const { base, token } = connection(opts, io);

    const progress = progressReporter(io);
    try {
      const jwks = opts.jwks === undefined ? undefined : await loadJwks(opts.jwks);
      const stats = await pullExport({ controlPlaneUrl: base, token, exportId, outDir: opts.out, parallel, jwks, onProgress: progress.update });
      progress.finish(true);
      io.stdout(
        `pulled ${stats.exportId} into ${opts.out}: ${stats.chunks} chunks, ${formatBytes(stats.totalBytes)}; ` +
          `fetched ${formatBytes(stats.bytesFetched)} (${stats.chunksFetched} chunks, ${stats.chunksResumed} resumed), ` +
          `reused ${formatBytes(stats.bytesReused)} on disk (${stats.chunksReused} chunks whole); ` +
          `signed by ${stats.kid}, merkle root ${stats.merkleRoot}\n`,
      );
    } catch (err) {
      progress.finish(false);
      throw asCliError(err);
    }
  },
};

export const exportVerifyCommand: Command = {
  name: 'export verify',
  summary: 'check a pulled export offline: signature, Merkle root, every chunk',
  usage: `Usage: conductor export verify DIR [--jwks FILE|URL]

Re-checks what \`conductor export pull\` wrote to DIR, from the files alone: the manifest's signature
against the JWKS, its consistency (chunk order, sizes, Merkle root), and every chunk's length and
SHA-256. Exits 1 naming the first failed check (e.g. CHUNK_HASH_MISMATCH, SIGNATURE_UNKNOWN_KEY).
  --jwks FILE|URL       keys to check the signature with; a file keeps the check offline
                        (default: the control plane's /.well-known/jwks.json)
  --control-plane URL   whose JWKS to use without --jwks (default $CONTROL_PLANE_URL or ${DEFAULT_CONTROL_PLANE_URL})`,

  async run(args, io) {
    const { values: opts, positionals } = parseOptionsAndOperands(args, { jwks: { type: 'string' }, 'control-plane': { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('give exactly one DIR');
    const [dir] = positionals as [string];
    const jwksSource = opts.jwks ?? jwksUrl(controlPlaneUrl(opts, io));
    try {
      const result = await verifyExportDir(dir, await loadJwks(jwksSource));
      const [first, ...rest] = result.failures;
      if (first) {
        const more = rest.length === 0 ? '' : ` (and ${rest.length} more: ${rest.map((f) => (f.ix === undefined ? f.code : `${f.code}@${f.ix}`)).join(', ')})`;
        throw new CliError(first.code, `${first.message}${more}`);
      }
      const manifest = result.manifest!;
      io.stdout(
        `verified ${manifest.exportId} in ${dir}: ${manifest.chunks.length} chunks, ${formatBytes(manifest.totalSize)}; ` +
          `signed by ${result.kid} (JWKS ${jwksSource}), merkle root ${manifest.merkleRoot}\n`,
      );
    } catch (err) {
      throw asCliError(err);
    }
  },
};

export const exportCommands: Command[] = [exportCreateCommand, exportStatusCommand, exportPullCommand, exportVerifyCommand];

function controlPlaneUrl(opts: { 'control-plane'?: string }, io: CliIO): string {
  // Empty env values count as unset, as in shells that export VAR= to clear it.
  const base = opts['control-plane'] || io.env.CONTROL_PLANE_URL || DEFAULT_CONTROL_PLANE_URL;
  if (!URL.canParse(base)) throw new UsageError(`invalid control plane URL "${base}"`);
  return base;
}

function connection(opts: { token?: string; 'control-plane'?: string }, io: CliIO): { base: string; token: string } {
  const token = opts.token || io.env.CONDUCTOR_TOKEN;
  if (!token) throw new UsageError('a token is required: --token or $CONDUCTOR_TOKEN (mint one with `conductor token`)');
  return { base: controlPlaneUrl(opts, io), token };
}

function oneExportId(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError('give exactly one export ID');
  const [id] = positionals as [string];
  if (!ExportIdSchema.safeParse(id).success) throw new UsageError(`invalid export ID "${id}"`);
  return id;
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer`);
  return n;
}

async function callControlPlane(base: string, token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(new URL(path, base), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new CliError('CONTROL_PLANE_UNAVAILABLE', `cannot reach ${base}: ${(err as Error).message}`);
  }
  const answer: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (answer as { error?: { code?: string; message?: string } } | null)?.error;
    throw new CliError(error?.code ?? `HTTP_${res.status}`, error?.message ?? `HTTP ${res.status} ${res.statusText}`);
  }
  return answer;
}

function asCliError(err: unknown): unknown {
  return err instanceof PullError ? new CliError(err.code, err.message) : err;
}

/**
 * A cli-progress bar on a terminal; otherwise a line per finished chunk, at most one a second, and
 * the last one always, so a log shows the pull advancing without a line per buffer.
 */
function progressReporter(io: CliIO): { update(progress: PullProgress): void; finish(ok: boolean): void } {
  const meter = new RateMeter();
  let latest: PullProgress | undefined;
  if (io.terminal) {
    const bar = new cliProgress.SingleBar({ stream: io.terminal, format: PROGRESS_BAR_FORMAT, barsize: 30, hideCursor: true, fps: 5 }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      update(progress) {
        latest = progress;
        meter.sample(performance.now(), progress.doneBytes);
        const fields = progressFields(progress, meter.rate());
        if (!started) bar.start(progress.totalBytes, progress.doneBytes, fields);
        else bar.update(progress.doneBytes, fields);
        started = true;
      },
      finish() {
        if (started) bar.stop();
      },
    };
  }
  let lastLineAt = -Infinity;
  let lastChunks = -1;
  return {
    update(progress) {
      latest = progress;
      const now = performance.now();
      meter.sample(now, progress.doneBytes);
      if (progress.chunksDone === lastChunks || now - lastLineAt < 1000) return;
      lastChunks = progress.chunksDone;
      lastLineAt = now;
      io.stderr(`${progressLine(progress, meter.rate())}\n`);
    },
    finish(ok) {
      if (ok && latest && latest.chunksDone !== lastChunks) io.stderr(`${progressLine(latest, meter.rate())}\n`);
    },
  };
}
