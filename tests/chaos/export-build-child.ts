import { tenants } from '@conductor/schema/tenants';
import { fsBlobStore, type BlobStore } from '@conductor/control-plane/exports/blobs';
import { buildExportChunks, exportChunkKey, getExport, insertExport, syntheticLines, type JsonValue, type LineSource } from '@conductor/control-plane/exports/build';
import { openDatabase } from '@conductor/control-plane/testing/database';

/*
 * Run as a child process by export-build-kill.test.ts: builds one synthetic export into the database
 * and fs blob store it is given, printing `chunk <ix>` once each chunk's row is committed (stdout
 * to a pipe is synchronous on Linux, so the parent never reads a line ahead of its commit) and
 * `done <chunks>` at the end. With `killAfterPutOf` it SIGKILLs itself right after that chunk's
 * blob is stored and before its row is written: the window a restart must repair.
 */
export interface ChildConfig {
  databaseUrl?: string;
  pglitePath?: string;
  blobRoot: string;
  exportId: string;
  seed: number;
  lines: number;
  chunkSize: number;
  killAfterPutOf?: number;
}

const config = JSON.parse(process.argv[2]!) as ChildConfig;
const database = await openDatabase({ databaseUrl: config.databaseUrl, pglitePath: config.pglitePath });
const { db } = database;
await db.insert(tenants).values({ id: 'chaos-exports', name: 'Chaos exports', strictSafelist: false }).onConflictDoNothing();
const exp =
  (await getExport(db, config.exportId)) ??
  (await insertExport(db, {
    exportId: config.exportId,
    tenantId: 'chaos-exports',
    kind: 'extractive-summary',
    requestedBy: 'user:chaos',
    license: 'Restricted-TOS',
    purpose: ['investigation'],
    chunkSize: config.chunkSize,
  }));

const fs = fsBlobStore(config.blobRoot);
const blobs: BlobStore =
  config.killAfterPutOf === undefined
    ? fs
    : {
        ...fs,
        async put(key, bytes) {
          await fs.put(key, bytes);
          if (key === exportChunkKey(exp.exportId, config.killAfterPutOf!)) process.kill(process.pid, 'SIGKILL');
        },
      };

const source = syntheticLines({ seed: config.seed, lines: config.lines }) as LineSource<JsonValue>;
const progress = await buildExportChunks(db, blobs, exp, source, { onChunk: ({ ix }) => process.stdout.write(`chunk ${ix}\n`) });
process.stdout.write(`done ${progress.chunks}\n`);
await database.close();
