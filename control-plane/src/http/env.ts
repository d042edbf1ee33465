import type { JWK } from 'jose';
import type { Claims } from '@conductor/schema/contracts/auth';
import type { Db } from '../db/client.ts';
import type { BlobStore } from '../exports/blobs/store.ts';

/** Everything a request handler may touch from outside the process, injected once by createApp. */
export interface AppDeps {
  db: Db;
  /** Public keys tokens are verified against; served as /.well-known/jwks.json. */
  publicJwks: JWK[];
  /** HMAC secret of the edge purge webhook. */
  purgeSecret: string;
  /** Base URL of the edge worker (admin purges are forwarded to `${edgeUrl}/__edge/purge`). */
  edgeUrl: string;
  fetch: typeof fetch;
  /** Where export chunks live: the fs store the build job writes on Node (one instance shared), R2 on Workers. */
  exportBlobs: BlobStore;
  /** Bytes per chunk of new exports; default DEFAULT_EXPORT_CHUNK_SIZE (exports/service.ts). Tests set it small. */
  exportChunkSize?: number;
  /** Development only (Node on loopback): the dev private key, so the admin UI can mint a dev sign-in token. Never set in production. */
  devSigningKey?: JWK;
}

export type AppEnv = {
  Variables: {
    deps: AppDeps;
    principal: Claims;
    requestId: string;
  };
};
