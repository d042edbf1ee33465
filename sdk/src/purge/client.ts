import type { z } from 'zod';
import { ErrorCode } from '../contracts/errors.ts';
import {
  PurgeDryRunRequestSchema,
  PurgeDryRunSchema,
  PurgeReceiptSchema,
  PurgeRequestSchema,
  type PurgeDryRun,
  type PurgeReceipt,
  type PurgeRequest,
} from '../contracts/purge.ts';
import { SIGNATURE_HEADER, signWebhook } from '../core/webhook-signature.ts';
import { backoffDelayMs } from './backoff.ts';

export const PURGE_PATH = '/__edge/purge';

export interface PurgeClientOptions {
  /** Base URL of the edge worker, e.g. http://127.0.0.1:8787. */
  edgeUrl: string;
  /** HMAC secret shared with the edge (PURGE_SIGNING_SECRET). */
  secret: string;
  fetch?: typeof fetch;
  /** Further attempts after the first one, for network errors and 5xx. */
  retries?: number;
  /** Base of the exponential backoff; the n-th retry waits up to base·2ⁿ⁻¹ ms (full jitter). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Per-attempt timeout: a hung edge must count as a failed attempt, not stall the mutation. */
  timeoutMs?: number;
}

export interface PurgeClient {
  purge(request: PurgeRequest): Promise<PurgeReceipt>;
  /**
   * What `purge(request)` would do, without doing it: the tags, the operations and the live entries
   * it would reach. Nothing is bumped or recorded; a `purgeId` in `request` is not sent.
   */
  dryRun(request: PurgeRequest): Promise<PurgeDryRun>;
}

/**
 * Why a purge did not produce a receipt. `status` is the edge's HTTP status, or undefined
 * when no usable response arrived (network error, timeout, invalid request).
 */
export class PurgeError extends Error {
  override readonly name = 'PurgeError';
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
    readonly attempts = 0,
  ) {
    super(message);
  }
}

export function createPurgeClient(options: PurgeClientOptions): PurgeClient {
  const doFetch = options.fetch ?? fetch;
  const retries = options.retries ?? 3;
  const baseMs = options.backoffBaseMs ?? 100;
  const maxMs = options.backoffMaxMs ?? 2_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const url = new URL(PURGE_PATH, options.edgeUrl).toString();

  async function attempt(body: string): Promise<Response> {
    // Re-signed per attempt: the timestamp is part of the MAC and the replay window is short.
    const signature = await signWebhook(options.secret, body);
    return doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  }

  /** Sends one signed body, retrying network errors and 5xx; a 4xx is final. */
  async function send<T>(body: string, parse: (response: Response, attempts: number) => Promise<T>): Promise<T> {
    let lastError: PurgeError | undefined;
    for (let n = 0; n <= retries; n++) {
      if (n > 0) await sleep(backoffDelayMs(n, baseMs, maxMs, Math.random()));
      let response: Response;
      try {
        response = await attempt(body);
      } catch (err) {
        lastError = new PurgeError(ErrorCode.EDGE_UNAVAILABLE, `edge unreachable at ${url}: ${describe(err)}`, undefined, n + 1);
        continue;
      }
      if (response.ok) return parse(response, n + 1);
      const failure = await errorFrom(response, n + 1);
      if (response.status < 500) throw failure;
      lastError = failure;
    }
    throw lastError ?? new PurgeError(ErrorCode.EDGE_UNAVAILABLE, 'purge not attempted');
  }

  return {
    async purge(request) {
      const parsed = PurgeRequestSchema.safeParse(request);
      if (!parsed.success) {
        throw new PurgeError(ErrorCode.VALIDATION_FAILED, `invalid purge request: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      }
      // One purgeId for every attempt, so a retry after a lost response is a no-op at the edge.
      const body = JSON.stringify({ ...parsed.data, purgeId: parsed.data.purgeId ?? crypto.randomUUID() });
      return send(body, (response, attempts) => parseAnswer(response, attempts, PurgeReceiptSchema, 'receipt'));
    },
    async dryRun(request) {
      const { purgeId: _unused, ...target } = request;
      const parsed = PurgeDryRunRequestSchema.safeParse({ ...target, dryRun: true });
      if (!parsed.success) {
        throw new PurgeError(ErrorCode.VALIDATION_FAILED, `invalid purge dry run: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      }
      // Changes nothing at the edge, so retrying it is always safe.
      return send(JSON.stringify(parsed.data), (response, attempts) => parseAnswer(response, attempts, PurgeDryRunSchema, 'dry-run answer'));
    },
  };
}

async function parseAnswer<T>(response: Response, attempts: number, schema: z.ZodType<T>, what: string): Promise<T> {
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new PurgeError(ErrorCode.INTERNAL, 'edge answered the purge with a body that is not JSON', response.status, attempts);
  }
  const answer = schema.safeParse(json);
  if (!answer.success) {
    throw new PurgeError(ErrorCode.INTERNAL, `edge answered the purge with an invalid ${what}: ${answer.error.message}`, response.status, attempts);
  }
  return answer.data;
}

async function errorFrom(response: Response, attempts: number): Promise<PurgeError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') {
      return new PurgeError(body.error.code, String(body.error.message ?? ''), response.status, attempts);
    }
  } catch {
    // Not our error shape (a proxy's HTML page, say): fall through to the status line.
  }
  const code = response.status >= 500 ? ErrorCode.EDGE_UNAVAILABLE : ErrorCode.BAD_REQUEST;
  return new PurgeError(code, `edge answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`, response.status, attempts);
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
