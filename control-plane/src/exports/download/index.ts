/**
 * HTTP semantics of export downloads (issue 9). Chunks and the whole download both use these.
 *
 *   decideRange({ range, ifRange, size, etag })  → 200 (with why) | 206 { start, end, contentRange } | 416
 *   chunkEtag(sha256Hex)                          → "sha256-<hex>"          strong, from the manifest chunk
 *   downloadEtag(merkleRootHex)                   → "merkle-sha256-<hex>"   strong, from the manifest root
 *   sha256DigestField(sha256Hex)                  → sha-256=:<base64>:      RFC 9530 Repr-/Content-Digest value
 *   bytesResponse(c, source)                      → Response                Hono: GET and HEAD, 416 via ApiError
 *   chunkSpans(sizes, start, end)                 → [{ ix, from, to }]      the chunks a range of the download touches
 *   resumeOutcome(range, decision, size)          → resumed | restarted | unsatisfiable | complete | corrupt | null
 *   servingIncrements({ bytes, outcome, corrupt }) → the /metrics counters one request adds to
 */
export { chunkEtag, decideRange, downloadEtag, sha256DigestField, type FullReason, type RangeDecision, type RangeRequest } from './range.ts';
export { bytesResponse, type ByteSource, type Bytes } from './serve-bytes.ts';
export { chunkSpans, type ChunkSpan } from './spans.ts';
export { resumeOutcome, servingIncrements, type ResumeOutcome, type ServingIncrements } from './resume.ts';
