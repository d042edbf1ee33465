import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import {
  PurgeDryRunRequestSchema,
  PurgeRequestSchema,
  type PurgeDryRun,
  type PurgeDryRunRequest,
  type PurgeReceipt,
  type PurgeRequest,
} from '../contracts/purge.ts';
import { SIGNATURE_HEADER, verifyWebhook, type SignatureCheck } from '../core/webhook-signature.ts';

/**
 * A real loopback HTTP server standing in for the edge's purge hook in tests of the parts that
 * send purges (SDK client, origin, CLI). It verifies every signature the way the edge does and
 * records what arrived; `respond` can script failures.
 */
export interface ReceivedPurge {
  path: string;
  contentType: string | undefined;
  rawBody: string;
  signature: SignatureCheck;
  request: PurgeRequest | undefined;
  /** Set instead of `request` when the body is a dry run. */
  dryRun: PurgeDryRunRequest | undefined;
}

export interface Reply {
  status: number;
  body: unknown;
}

export type Responder = (received: ReceivedPurge, attempt: number) => Reply | undefined;

export interface PurgeReceiver {
  url: string;
  received: ReceivedPurge[];
  /** Replace the scripted behaviour; returning undefined falls back to the default reply. */
  respond(responder: Responder): void;
  close(): Promise<void>;
}

export async function startPurgeReceiver(secret: string): Promise<PurgeReceiver> {
  const received: ReceivedPurge[] = [];
  const applied = new Set<string>();
  let responder: Responder = () => undefined;

  const server = createServer(async (req, res) => {
    const rawBody = await readBody(req);
    const signature = await verifyWebhook(secret, rawBody, req.headers[SIGNATURE_HEADER] as string | undefined);
    const entry: ReceivedPurge = {
      path: req.url ?? '',
      contentType: req.headers['content-type'],
      rawBody,
      signature,
      request: safeParse(rawBody, PurgeRequestSchema),
      dryRun: safeParse(rawBody, PurgeDryRunRequestSchema),
    };
    received.push(entry);
    const reply = responder(entry, received.length) ?? defaultReply(entry, applied);
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    respond(next) {
      responder = next;
    },
    close: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

function defaultReply(entry: ReceivedPurge, applied: Set<string>): Reply {
  if (entry.path !== '/__edge/purge') return { status: 404, body: { error: { code: 'NOT_FOUND', message: entry.path } } };
  if (!entry.signature.ok) return { status: 401, body: { error: { code: entry.signature.code, message: entry.signature.message } } };
  if (entry.dryRun) {
    // Nothing cached here: the tags a purge-all would bump, no operations, no live entries.
    const answer: PurgeDryRun = {
      dryRun: true,
      tenant: entry.dryRun.tenant,
      tags: ['*'],
      generations: { '*': applied.size },
      operations: [],
      liveEntries: 0,
      liveEntriesComplete: true,
      evaluatedAt: new Date().toISOString(),
    };
    return { status: 200, body: answer };
  }
  if (!entry.request?.purgeId) return { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'purgeId required' } } };
  const duplicate = applied.has(entry.request.purgeId);
  applied.add(entry.request.purgeId);
  const receipt: PurgeReceipt = {
    purgeId: entry.request.purgeId,
    tenant: entry.request.tenant,
    tags: duplicate ? [] : ['*'],
    generations: duplicate ? {} : { '*': applied.size },
    duplicate,
    appliedAt: new Date().toISOString(),
  };
  return { status: 200, body: receipt };
}

function safeParse<T>(raw: string, schema: z.ZodType<T>): T | undefined {
  try {
    const result = schema.safeParse(JSON.parse(raw));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
