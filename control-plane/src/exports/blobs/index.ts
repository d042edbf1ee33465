// The blob store of export chunks (store.ts) and its two implementations, for Node callers
// (benchmarks, cross-process tests). The Worker entry imports r2.ts itself, without the fs one.
export { assertBlobKey, BlobRangeError, type BlobBody, type BlobRange, type BlobStore } from './store.ts';
export { defaultBlobRoot, fsBlobStore } from './fs.ts';
export { r2BlobStore, type R2BucketBinding } from './r2.ts';
