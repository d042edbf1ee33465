import { env } from 'cloudflare:workers';
import { blobStoreContract } from './contract.ts';
import { r2BlobStore, type R2BucketBinding } from './r2.ts';

// Inside workerd (control-plane/vitest.workerd.config.ts): the EXPORTS bucket that
// control-plane/wrangler.toml binds, served by Miniflare's R2 — the runtime's own binding, not a stand-in.
blobStoreContract('R2 bucket binding in workerd', () => r2BlobStore(env.EXPORTS as R2BucketBinding));
