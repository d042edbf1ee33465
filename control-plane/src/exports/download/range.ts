import { parse as parseRange } from 'range-parser';
import { fromHex } from '../manifest/hex.ts';

/*
 * HTTP semantics of export downloads (issue 9, "Downloads that resume"): which status, which bytes
 * and which validator and digest headers a GET of a chunk or of the whole concatenated JSONL gets.
 * Pure: no I/O. serve-bytes.ts turns a decision into a Response.
 *
 * Exports are immutable and content-addressed, so the only validator is a strong ETag derived from
 * the manifest's hashes. No Last-Modified is sent, so an If-Range carrying a date can never name a
 * validator we issued: it is treated as a mismatch (full 200), which RFC 9110 §13.1.5 allows
 * (a date is only usable if strong, and we never vouch for one).
 */

/**
 * RFC 9110 §8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE. Hex and "-" are etagc, so these are
 * valid strong tags. The prefixes keep a chunk's tag and a download's tag apart and say what the
 * hex is, so a client can check a chunk's ETag against the manifest before fetching a byte.
 */
export function chunkEtag(sha256Hex: string): string {
  return `"sha256-${checkedHex(sha256Hex)}"`;
}

/**
 * The whole download is the chunks concatenated in ix order. The manifest has no SHA-256 of that
 * concatenation, but its merkleRoot (RFC 6962, docs/adr/0014) commits to the ordered list of chunk
 * digests, and each digest to its chunk's bytes: changing any byte of the concatenation changes a
 * chunk digest or the list (count, order, boundaries), hence the root, short of a SHA-256
 * collision. That is what RFC 9110 §8.8.1 asks of a strong validator. The converse need not hold:
 * the same bytes cut into chunks differently get another tag, which only costs a client a restart.
 */
export function downloadEtag(merkleRootHex: string): string {
  return `"merkle-sha256-${checkedHex(merkleRootHex)}"`;
}

/**
 * RFC 9530 §2-§3: `sha-256=:<base64>:`, a Structured Fields dictionary (RFC 8941) whose value is a
 * byte sequence. Usable for Repr-Digest and, where the content is the whole representation, for
 * Content-Digest.
 */
export function sha256DigestField(sha256Hex: string): string {
  return `sha-256=:${btoa(String.fromCharCode(...fromHex(checkedHex(sha256Hex))))}:`;
}

function checkedHex(hex: string): string {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new TypeError('expected a lowercase hex SHA-256 (64 digits)');
  return hex;
}

/** Why a request gets the whole representation: tests and the resume counters read it. */
export type FullReason =
  | 'no-range'
  /** §13.1.5: If-Range named another, a weak, or a date validator: the client's partial copy is stale. */
  | 'if-range-mismatch'
  /** §14.2: a Range that does not parse (including a reversed "5-2") is ignored. */
  | 'range-invalid'
  /** §14.1: a unit other than bytes is ignored. */
  | 'range-unit'
  /** More than one range: answered whole, see decideRange. */
  | 'multiple-ranges'
  /** A non-zero suffix of an empty representation: satisfiable (§14.1.1) yet not expressible as a Content-Range. */
  | 'empty-suffix';

export type RangeDecision =
  | { status: 200; reason: FullReason; length: number }
  | {
      status: 206;
      start: number;
      /** Inclusive, as in Content-Range. */
      end: number;
      length: number;
      contentRange: string;
      /** The request carried an If-Range that matched: a resume of a known representation. */
      conditional: boolean;
    }
  | { status: 416; contentRange: string };

export interface RangeRequest {
  /** The Range header value, or null/undefined when absent. */
  range?: string | null;
  ifRange?: string | null;
  /** Bytes in the selected representation. */
  size: number;
  /** Its strong ETag (chunkEtag/downloadEtag). */
  etag: string;
}

/**
 * RFC 9110 §14.2 and §13.2.2 (evaluation order): If-Range is checked first and, when false, the
 * Range is ignored, even one that would be unsatisfiable.
 *
 * Multiple ranges get the whole representation (200). §14.2 lets a server ignore Range, and a
 * multipart/byteranges body would be a second framing for clients to parse and for the digest
 * headers to describe; the clients this serves (`conductor export pull`, `curl -C -`) only ever
 * ask for one range. A set where no range is satisfiable still gets 416, as §15.5.17 expects.
 */
export function decideRange(request: RangeRequest): RangeDecision {
  const { size } = request;
  if (!Number.isSafeInteger(size) || size < 0) throw new TypeError(`invalid representation size: ${size}`);
  const full = (reason: FullReason): RangeDecision => ({ status: 200, reason, length: size });

  // §14.2: Range on methods other than GET is ignored; the caller only asks for GET and HEAD.
  const range = request.range ?? null;
  if (range === null) return full('no-range');

  // §13.1.5: If-Range without Range is ignored (handled above); with one, only a strong match on
  // the exact entity-tag keeps the Range. A weak tag never matches (strong comparison, §8.8.3.2).
  const ifRange = request.ifRange ?? null;
  const conditional = ifRange !== null;
  if (conditional && ifRange.trim() !== request.etag) return full('if-range-mismatch');

  // range-parser ^2 (jshttp, as used by send/Express) follows the ABNF: digits only, a reversed
  // range flagged invalid, an oversized suffix clamped to the whole, empty list elements skipped.
  // 1.x parsed with parseInt and called a reversed range or an oversized suffix unsatisfiable.
  const parsed = parseRange(size, range);
  if (parsed.type === '') return full('range-invalid');
  // range-parser lower-cases the unit: units compare case-insensitively (§14.1).
  if (parsed.type !== 'bytes') return full('range-unit');
  // range-parser sets bit 1 for any element that does not parse; one bad element makes the whole
  // field invalid (range-set is a single production), so it is ignored.
  if (parsed.code & 1) return full('range-invalid');
  const unsatisfiable = (parsed.code & 2) !== 0;
  if (parsed.ranges.length > 1 || (parsed.ranges.length === 1 && unsatisfiable)) return full('multiple-ranges');
  const [only] = parsed.ranges;
  if (only === undefined) {
    if (unsatisfiable) return { status: 416, contentRange: `bytes */${size}` };
    // range-parser drops a non-zero suffix of an empty file without flagging it: §14.1.1 calls it
    // satisfiable, but "bytes a-b/0" cannot be written, so the (empty) whole is the answer.
    return full('empty-suffix');
  }
  return {
    status: 206,
    start: only.start,
    end: only.end,
    length: only.end - only.start + 1,
    contentRange: `bytes ${only.start}-${only.end}/${size}`,
    conditional,
  };
}
