import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import type { JSONWebKeySet } from 'jose';
import { ExportIdSchema, ManifestSchema, type Manifest } from '@conductor/schema/contracts/exports';
import { checkChunkDigest, checkManifestConsistency, verifyManifestSignature } from '../manifest/index.ts';
import { PullError } from './errors.ts';
import { digestFile, hashInto } from './files.ts';
import { jwksUrl, loadJwks } from './jwks.ts';
import { chunkPath, chunksDir, manifestPath, parseChunkFileName } from './layout.ts';
import { chunkRequestHeaders, planPull, useChunkResponse, type ChunkOnDisk, type ChunkStep } from './plan.ts';
import type { PullProgress } from './progress.ts';

/*
 * `conductor export pull` as a function (the CLI and `bench:export` call it; docs/adr/0019). I/O only: what to
 * fetch is plan.ts, where files go is layout.ts, what counts as a good chunk is the manifest
 * module's checkChunkDigest.
 *
 * The manifest is checked before a byte of a chunk is fetched: schema, signature against the JWKS,
 * and its own consistency (ix order, sizes, and merkleRoot recomputed from the listed digests). From
 * then on a chunk is good when its length and SHA-256 are its entry's, since the entries are what
 * the signed root commits to. Each of `parallel` streams holds one chunk at a time and never all
 * of it: bytes go from the response through an incremental hash to the part file.
 */

export interface PullExportOptions {
  controlPlaneUrl: string;
  /** Bearer token with read access to the export. */
  token: string;
  exportId: string;
  outDir: string;
  /** Chunks fetched at once (default 4). */
  parallel?: number;
  /** Keys to check the manifest's signature with; default: the control plane's /.well-known/jwks.json. */
  jwks?: JSONWebKeySet;
  /** Default: the global fetch. Tests and the benchmark wrap it to cut a download short. */
  fetch?: typeof fetch;
  /** Called as bytes are verified on disk or written; often (per buffer): throttle what it draws. */
  onProgress?: (progress: PullProgress) => void;
  /** Stops the pull as a kill would: part files stay, and a rerun resumes them. */
  signal?: AbortSignal;
}

export interface PullStats {
  exportId: string;
  merkleRoot: string;
  /** The key that signed the manifest. */
  kid: string;
  chunks: number;
  totalBytes: number;
  /** Chunks whose bytes came (at least partly) from the control plane in this run. */
  chunksFetched: number;
  /** Of those, the ones that continued a part file with Range. */
  chunksResumed: number;
  /** Chunks found complete on disk, re-hashed and kept. */
  chunksReused: number;
  /** Chunk body bytes received in this run: what crossed the network. */
  bytesFetched: number;
  /** Bytes already on disk that were verified and kept: complete chunks and resumed prefixes. */
  bytesReused: number;
  /** Bytes that were on disk and were thrown away to be fetched again (damaged, or a resume that failed). */
  bytesRefetched: number;
}

const DEFAULT_PARALLEL = 4;

export async function pullExport(opts: PullExportOptions): Promise<PullStats> {
  const fetchImpl = opts.fetch ?? fetch;
  const parallel = opts.parallel ?? DEFAULT_PARALLEL;
  if (!Number.isSafeInteger(parallel) || parallel < 1) throw new RangeError(`parallel must be a positive integer, got ${parallel}`);
  if (!ExportIdSchema.safeParse(opts.exportId).success) throw new TypeError(`invalid export id "${opts.exportId}"`);
  const id = encodeURIComponent(opts.exportId);
  const auth = { authorization: `Bearer ${opts.token}` };

  const manifestText = await controlPlaneText(fetchImpl, new URL(`/v1/exports/${id}/manifest`, opts.controlPlaneUrl).href, auth, opts.signal);
  const jwks = opts.jwks ?? (await loadJwks(jwksUrl(opts.controlPlaneUrl), fetchImpl));
  const { manifest, kid } = await checkedManifest(manifestText, jwks, opts.exportId);

  await mkdir(chunksDir(opts.outDir), { recursive: true });
  await claimOutDir(opts.outDir, manifest, manifestText);
  const plan = planPull(manifest.chunks, await chunksOnDisk(opts.outDir, manifest.chunks.length));

  const stats: PullStats = {
    exportId: manifest.exportId,
    merkleRoot: manifest.merkleRoot,
    kid,
    chunks: manifest.chunks.length,
    totalBytes: plan.totalBytes,
    chunksFetched: 0,
    chunksResumed: 0,
    chunksReused: 0,
    bytesFetched: 0,
    bytesReused: 0,
    bytesRefetched: plan.discardBytes,
  };
  const progress: PullProgress = { exportId: manifest.exportId, totalBytes: plan.totalBytes, doneBytes: 0, fetchedBytes: 0, chunksTotal: stats.chunks, chunksDone: 0 };
  const report = (doneDelta: number, fetchedDelta = 0) => {
    progress.doneBytes += doneDelta;
    progress.fetchedBytes += fetchedDelta;
    opts.onProgress?.({ ...progress });
  };
  report(0);

  // One controller for the streams: the first failure stops the others, which keep their parts.
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onOuterAbort();
  else opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const chunkUrl = (ix: number) => new URL(`/v1/exports/${id}/chunks/${ix}`, opts.controlPlaneUrl).href;
  const ctx: StepContext = { manifest, outDir: opts.outDir, fetch: fetchImpl, auth, chunkUrl, signal: stop.signal, stats, report };

  let next = 0;
  let failure: unknown;
  const stream = async () => {
    while (failure === undefined && !stop.signal.aborted && next < plan.steps.length) {
      const step = plan.steps[next++]!;
      try {
        await runStep(ctx, step);
        progress.chunksDone += 1;
        report(0);
      } catch (err) {
        failure ??= err;
        stop.abort(err);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(parallel, plan.steps.length) }, stream));
  } finally {
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }
  // Stopped by the caller between two steps: no step failed, yet the pull is not done.
  if (failure === undefined && stop.signal.aborted) failure = stop.signal.reason;
  if (failure !== undefined) throw failure;
  return stats;
}

interface StepContext {
  manifest: Manifest;
  outDir: string;
  fetch: typeof fetch;
  auth: Record<string, string>;
  chunkUrl(ix: number): string;
  signal: AbortSignal;
  stats: PullStats;
  report(doneDelta: number, fetchedDelta?: number): void;
}

async function runStep(ctx: StepContext, step: ChunkStep): Promise<void> {
  const { ix } = step;
  for (const kind of step.discard) {
    const dropped = kind === 'complete' ? rename(chunkPath(ctx.outDir, ix), chunkPath(ctx.outDir, ix, 'rejected')) : unlink(chunkPath(ctx.outDir, ix, 'partial'));
    // Gone since the scan is as good as dropped.
    await dropped.catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
  if (step.action === 'fetch') return fetchChunk(ctx, step, step.from);

  const path = chunkPath(ctx.outDir, ix, step.file);
  const digest = await digestFile(path);
  if (digest && checkChunkDigest(ctx.manifest, ix, digest) === null) {
    if (step.file === 'partial') await rename(path, chunkPath(ctx.outDir, ix));
    ctx.stats.chunksReused += 1;
    ctx.stats.bytesReused += step.size;
    ctx.report(step.size);
    return;
  }
  // Changed on disk since it was written: the control plane's copy is still good, so fetch it again.
  if (digest) await rename(path, chunkPath(ctx.outDir, ix, 'rejected'));
  ctx.stats.bytesRefetched += digest?.size ?? 0;
  return fetchChunk(ctx, step, 0);
}

/**
 * Requests chunk `step.ix` from byte `from` (resuming its part file when from > 0, after feeding
 * the part's first `from` bytes to the hash), and hands the response to receiveChunk.
 */
async function fetchChunk(ctx: StepContext, step: ChunkStep, from: number): Promise<void> {
  const { ix } = step;
  const hash = createHash('sha256');
  // The part shrank since the disk was scanned: nothing of it can be trusted as a prefix.
  if (from > 0 && (await hashInto(hash, chunkPath(ctx.outDir, ix, 'partial'), from)) !== from) return fetchChunk(ctx, step, 0);
  ctx.report(from);

  let res: Response;
  try {
    res = await ctx.fetch(ctx.chunkUrl(ix), { headers: { ...ctx.auth, ...chunkRequestHeaders(step, from) }, signal: ctx.signal });
  } catch (err) {
    ctx.report(-from);
    throw networkError(ix, err, ctx.signal);
  }
  if (!res.ok && res.status !== 416) {
    ctx.report(-from);
    throw await responseError(res, `chunk ${ix}`);
  }
  const use = useChunkResponse(step, from, { status: res.status, contentRange: res.headers.get('content-range') });
  if (use.use === 'fail') {
    await res.body?.cancel();
    ctx.report(-from);
    throw new PullError('PROTOCOL_ERROR', use.message, ix);
  }
  if (use.use === 'write' && use.at === from) return receiveChunk(ctx, step, res, hash, from);
  // 416: the part is not a prefix of the control plane's chunk. 200 to a Range: If-Range did not
  // match, and the whole chunk follows. Either way the part's bytes are fetched again.
  ctx.report(-from);
  ctx.stats.bytesRefetched += from;
  if (use.use === 'restart') {
    await res.body?.cancel();
    return fetchChunk(ctx, step, 0);
  }
  return receiveChunk(ctx, step, res, createHash('sha256'), 0);
}

/**
 * Streams the body into the part file at offset `at` through the hash, then checks length and
 * digest and renames the part into place. A mismatch after a resume may be the disk's fault (the
 * prefix), so that chunk is fetched once more whole before the mismatch counts against the
 * control plane; then the part is kept as `.rejected` and the pull stops with the reason.
 */
async function receiveChunk(ctx: StepContext, step: ChunkStep, res: Response, hash: Hash, at: number): Promise<void> {
  const { ix, size } = step;
  const part = chunkPath(ctx.outDir, ix, 'partial');
  if (at > 0) await truncate(part, at);
  let have = at;
  let oversize: PullError | undefined;
  let writing = false;
  // Each buffer is written before the next is read: what arrived before a failure is on disk for
  // the rerun to resume from, and a slow disk slows the download instead of filling memory.
  const file = await open(part, at === 0 ? 'w' : 'r+');
  // Read from the web stream itself: a Node Readable in between would read ahead and, when the
  // connection fails, drop what it had buffered instead of letting it reach the disk.
  const reader = res.body?.getReader();
  try {
    for (let next = await reader?.read(); next && !next.done; next = await reader!.read()) {
      const buf = next.value;
      if (have + buf.length > size) throw (oversize = new PullError('CHUNK_SIZE_MISMATCH', `chunk ${ix}: the control plane sent more than its ${size} bytes`, ix));
      hash.update(buf);
      writing = true;
      await file.write(buf, 0, buf.length, have);
      writing = false;
      have += buf.length;
      ctx.stats.bytesFetched += buf.length;
      ctx.report(buf.length, buf.length);
    }
  } catch (err) {
    await file.close();
    ctx.report(-have);
    // A disk error (ENOSPC…) is the machine's, not the network's: reported as it is.
    if (writing) throw err;
    if (err !== oversize || !oversize) throw networkError(ix, err, ctx.signal);
    await reader?.cancel();
    await rename(part, chunkPath(ctx.outDir, ix, 'rejected'));
    throw oversize;
  }
  await file.close();

  if (have < size) {
    // The body ended early without an error: what arrived is kept, and a rerun resumes after it.
    ctx.report(-have);
    throw new PullError('CHUNK_TRUNCATED', `chunk ${ix}: the control plane sent ${have} of its ${size} bytes; rerun the pull to resume it`, ix);
  }
  const failure = checkChunkDigest(ctx.manifest, ix, { size: have, sha256: hash.digest('hex') });
  if (failure) {
    ctx.report(-have);
    if (at > 0) {
      await unlink(part);
      ctx.stats.bytesRefetched += have;
      return fetchChunk(ctx, step, 0);
    }
    const rejected = chunkPath(ctx.outDir, ix, 'rejected');
    await rename(part, rejected);
    throw new PullError(failure.code, `${failure.message}, as received from the control plane (kept as ${rejected}; a rerun fetches it again)`, ix);
  }
  await rename(part, chunkPath(ctx.outDir, ix));
  ctx.stats.chunksFetched += 1;
  if (at > 0) ctx.stats.chunksResumed += 1;
  ctx.stats.bytesReused += at;
}

/** Schema, signature and consistency of the served manifest; the first failure stops the pull. */
async function checkedManifest(text: string, jwks: JSONWebKeySet, exportId: string): Promise<{ manifest: Manifest; kid: string }> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new PullError('MANIFEST_INVALID', 'the control plane answered a manifest that is not JSON');
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) throw new PullError('MANIFEST_INVALID', parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(manifest)'}: ${i.message}`).join('; '));
  const manifest = parsed.data;
  if (manifest.exportId !== exportId) throw new PullError('PROTOCOL_ERROR', `asked for export ${exportId}, got the manifest of ${manifest.exportId}`);
  const signature = await verifyManifestSignature(manifest, jwks);
  if (!signature.ok) throw new PullError(signature.code, signature.message);
  const [inconsistent] = await checkManifestConsistency(manifest);
  if (inconsistent) throw new PullError(inconsistent.code, inconsistent.message, inconsistent.ix);
  return { manifest, kid: signature.kid };
}

/**
 * Writes the manifest first, so that every part file in DIR belongs to it: a DIR holding another
 * export (or another build of this id) is refused rather than mixed with it.
 */
async function claimOutDir(dir: string, manifest: Manifest, text: string): Promise<void> {
  const path = manifestPath(dir);
  let existing: string | null = null;
  try {
    existing = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (existing !== null) {
    let held: Partial<Manifest> = {};
    try {
      held = JSON.parse(existing) as Partial<Manifest>;
    } catch {
      // An unreadable manifest.json claims nothing we can compare: refuse below.
    }
    if (held.exportId === manifest.exportId && held.merkleRoot === manifest.merkleRoot && held.signature === manifest.signature) return;
    throw new PullError('OUT_DIR_IN_USE', `${dir} holds ${held.exportId ? `export ${held.exportId} (merkle root ${held.merkleRoot})` : 'a manifest.json that is not this export’s'}; pull into an empty directory`);
  }
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

async function chunksOnDisk(dir: string, chunkCount: number): Promise<Map<number, ChunkOnDisk>> {
  const found = new Map<number, ChunkOnDisk>();
  for (const name of await readdir(chunksDir(dir))) {
    const file = parseChunkFileName(name);
    if (!file || file.kind === 'rejected' || file.ix >= chunkCount) continue;
    const { size, isFile } = await stat(chunkPath(dir, file.ix, file.kind)).then((s) => ({ size: s.size, isFile: s.isFile() }));
    if (!isFile) continue;
    found.set(file.ix, { ...found.get(file.ix), [file.kind]: size });
  }
  return found;
}

async function controlPlaneText(fetchImpl: typeof fetch, url: string, headers: Record<string, string>, signal?: AbortSignal): Promise<string> {
  let res: Response;
  try {
    res = await fetchImpl(url, { headers, signal });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw new PullError('CONTROL_PLANE_UNAVAILABLE', `cannot reach ${new URL(url).origin}: ${(err as Error).message}`);
  }
  if (!res.ok) throw await responseError(res, new URL(url).pathname);
  return res.text();
}

/** The control plane's error envelope ({error:{code,message}}) as a PullError. */
async function responseError(res: Response, what: string): Promise<PullError> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  const code = body?.error?.code ?? `HTTP_${res.status}`;
  return new PullError(code, `${what}: ${body?.error?.message ?? res.statusText ?? `HTTP ${res.status}`}`);
}

function networkError(ix: number, err: unknown, signal: AbortSignal): unknown {
  // Stopped because another stream failed, or by the caller: that failure is the one to report.
  if (signal.aborted) return signal.reason;
  return new PullError('NETWORK_ERROR', `chunk ${ix}: ${(err as Error).message}; what arrived is kept, rerun the pull to resume`, ix);
}
