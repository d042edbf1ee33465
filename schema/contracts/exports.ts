import { z } from 'zod';
import { TenantIdSchema } from './auth.ts';

/*
 * RAG-safe exports (issue 9): the signed manifest v1.0 and the /v1/exports request and response
 * bodies. The manifest's tree and signature format is docs/adr/0014; the code that builds and
 * checks them is control-plane/src/exports/manifest/.
 */

export const EXPORT_KINDS = ['extractive-summary'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const EXPORT_STATUSES = ['building', 'pending_review', 'approved', 'rejected', 'failed'] as const;
export const ExportStatusSchema = z.enum(EXPORT_STATUSES);
export type ExportStatus = z.infer<typeof ExportStatusSchema>;

export const MANIFEST_VERSION = '1.0';
/**
 * JSON Lines. No media type for it is registered with IANA; `application/jsonl` is the name
 * jsonlines.org suggests and the OpenAPI media-type registry lists. `application/json-seq`
 * (RFC 7464) is registered but frames each record with RS, which these files do not.
 */
export const EXPORT_CONTENT_TYPE = 'application/jsonl';
export const EXPORT_HASH_ALG = 'sha-256';

/**
 * Largest chunk a manifest may declare: a chunk is built, hashed and checked whole, so it bounds
 * memory, and a build in a Worker has 128 MB in all. The tables check the same bound.
 */
export const MAX_CHUNK_SIZE = 64 * 1024 * 1024;

/**
 * A message that names the field when it is absent, so a 400 says which one is missing rather
 * than "expected string, received undefined". Other problems keep zod's own message.
 */
function required(field: string) {
  return { error: (issue: { input?: unknown }) => (issue.input === undefined ? `${field} is required` : undefined) };
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const sha256Hex = (field: string) => z.string(required(field)).regex(HEX_SHA256, `${field}: lowercase hex SHA-256 (64 digits)`);

/** URL-safe: export ids appear in paths (/v1/exports/{id}) and file names (`pull --out`). */
export const ExportIdSchema = z.string(required('exportId')).regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'exportId: letters, digits, "_" and "-" (max 128)');

/** A licence identifier as the tenant's allowed licences name it (SPDX-like, e.g. "Restricted-TOS", "CC-BY-4.0"). */
export const LicenseSchema = z.string(required('license')).regex(/^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$/, 'license: a licence identifier such as "Restricted-TOS"');

/** What the data may be used for; non-empty, no repeats. The requester's token must allow each. */
export const PurposeListSchema = z
  .array(z.string().min(1, 'purpose: an entry is empty').max(64), required('purpose'))
  .min(1, 'purpose must name at least one purpose')
  .refine((list) => new Set(list).size === list.length, 'purpose lists a purpose twice');

// ---- manifest v1.0 ------------------------------------------------------------------------------

export const ManifestChunkSchema = z.strictObject(
  {
    ix: z.number(required('ix')).int().min(0),
    sha256: sha256Hex('sha256'),
    size: z.number(required('size')).int().min(1).max(MAX_CHUNK_SIZE),
  },
  required('chunk'),
);
export type ManifestChunk = z.infer<typeof ManifestChunkSchema>;

/**
 * Counts by PII type that the scan of the final chunks found. Present only when that scan found
 * something: the requester never asserts "none", the build does after scanning what it wrote.
 */
export const PiiFindingsSchema = z.strictObject({
  findings: z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, 'PII type: letters, digits, "_" (e.g. "email", "EMAIL")'), z.number().int().min(1))
    .refine((counts) => Object.keys(counts).length > 0, 'findings must list at least one PII type'),
});
export type PiiFindings = z.infer<typeof PiiFindingsSchema>;

export const ManifestProofsSchema = z.strictObject(
  {
    license: LicenseSchema,
    purpose: PurposeListSchema,
    pii: z.union([z.literal('none'), PiiFindingsSchema], required('pii')),
  },
  required('proofs'),
);
export type ManifestProofs = z.infer<typeof ManifestProofsSchema>;

export const ManifestSourceSchema = z.strictObject(
  {
    /** The safelisted origin operation the build read (e.g. "documents"). */
    operation: z.string(required('operation')).min(1).max(200),
    /** The corpus snapshot it read, so a rebuild can be compared with this one. */
    snapshot: z.string(required('snapshot')).min(1).max(200),
  },
  required('source'),
);

/** Detached JWS compact serialisation (RFC 7515 appendix F, RFC 7797): `protected..signature`. */
export const DetachedJwsSchema = z
  .string(required('signature'))
  .regex(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/, 'signature: a detached JWS, "<protected header>..<signature>" in base64url');

const unsignedManifestShape = {
  manifestVersion: z.literal(MANIFEST_VERSION, required('manifestVersion')),
  exportId: ExportIdSchema,
  tenant: z.string(required('tenant')).pipe(TenantIdSchema),
  kind: z.literal('extractive-summary', required('kind')),
  createdAt: z.iso.datetime(required('createdAt')),
  /** Every chunk but possibly the last is at most this many bytes. */
  chunkSize: z.number(required('chunkSize')).int().min(1).max(MAX_CHUNK_SIZE),
  totalSize: z.number(required('totalSize')).int().min(0).max(Number.MAX_SAFE_INTEGER),
  contentType: z.literal(EXPORT_CONTENT_TYPE, required('contentType')),
  hashAlg: z.literal(EXPORT_HASH_ALG, required('hashAlg')),
  /** RFC 6962 Merkle Tree Hash over the chunks' SHA-256 digests, in ix order (docs/adr/0014). */
  merkleRoot: sha256Hex('merkleRoot'),
  chunks: z.array(ManifestChunkSchema, required('chunks')).max(1_000_000),
  proofs: ManifestProofsSchema,
  source: ManifestSourceSchema,
};

/**
 * Manifest v1.0. Strict: a field the schema does not know is refused rather than dropped, since a
 * dropped field would sit beside the signature unsigned. Consistency between fields (ix order,
 * totalSize, merkleRoot) is checked by the verifier, which names each failure on its own.
 */
export const ManifestSchema = z.strictObject({ ...unsignedManifestShape, signature: DetachedJwsSchema });
export type Manifest = z.infer<typeof ManifestSchema>;

/** What is signed: the manifest without `signature`, as RFC 8785 canonical JSON. */
export const UnsignedManifestSchema = z.strictObject(unsignedManifestShape);
export type UnsignedManifest = z.infer<typeof UnsignedManifestSchema>;

/** GET /v1/exports/{id}/chunks/{ix}/proof: an RFC 6962 audit path, checkable against the root alone. */
export const ChunkInclusionProofSchema = z.strictObject({
  ix: z.number(required('ix')).int().min(0),
  /** SHA-256(0x00 ‖ chunk digest): the tree's leaf for this chunk. */
  leafHash: sha256Hex('leafHash'),
  treeSize: z.number(required('treeSize')).int().min(1),
  /** Sibling hashes from the leaf upwards (RFC 6962 §2.1.1 PATH). */
  path: z.array(sha256Hex('path'), required('path')).max(64),
  root: sha256Hex('root'),
});
export type ChunkInclusionProof = z.infer<typeof ChunkInclusionProofSchema>;

// ---- /v1/exports ----------------------------------------------------------------------------------

/** POST /v1/exports. Licence and purpose are mandatory; Cedar decides whether they are allowed. */
export const ExportRequestSchema = z.strictObject({
  tenant: z.string(required('tenant')).pipe(TenantIdSchema),
  kind: z.literal('extractive-summary', required('kind')),
  license: LicenseSchema,
  purpose: PurposeListSchema,
  /** true: a sentence with PII is kept with each finding replaced by its type ("[EMAIL]"); false: it is dropped. */
  redact: z.boolean().default(false),
  maxDocuments: z.number().int().min(1).max(1_000_000).optional(),
});
export type ExportRequest = z.infer<typeof ExportRequestSchema>;

/** 202 answer of POST /v1/exports. */
export const ExportCreatedSchema = z.object({ exportId: ExportIdSchema, status: ExportStatusSchema });
export type ExportCreated = z.infer<typeof ExportCreatedSchema>;

/** GET /v1/exports/{id}; the list (GET /v1/exports) answers `{ exports: [...] }` of these. */
export const ExportSummarySchema = z.object({
  exportId: ExportIdSchema,
  tenant: TenantIdSchema,
  kind: z.enum(EXPORT_KINDS),
  status: ExportStatusSchema,
  /** The token subject that asked for it; never its reviewer. */
  requestedBy: z.string().min(1),
  createdAt: z.iso.datetime(),
  license: LicenseSchema,
  purpose: PurposeListSchema,
  redact: z.boolean(),
  /** Known once the build has written every chunk. */
  chunkCount: z.number().int().min(0).nullable(),
  totalSize: z.number().int().min(0).nullable(),
  merkleRoot: z.string().regex(HEX_SHA256).nullable(),
  reviewedBy: z.string().min(1).nullable(),
  reviewedAt: z.iso.datetime().nullable(),
  reviewReason: z.string().nullable(),
});
export type ExportSummary = z.infer<typeof ExportSummarySchema>;

export const ExportListQuerySchema = z.object({ tenant: TenantIdSchema.optional(), status: ExportStatusSchema.optional() });
export const ExportListSchema = z.object({ exports: z.array(ExportSummarySchema) });

/** POST /v1/exports/{id}/review. The reason is kept in the audit log beside the decision. */
export const ExportReviewSchema = z.strictObject({
  decision: z.enum(['approve', 'reject'], required('decision')),
  reason: z.string(required('reason')).trim().min(1, 'reason must not be empty').max(2000),
});
export type ExportReview = z.infer<typeof ExportReviewSchema>;

/** PUT /v1/exports/switch: the backout "hide RAG export" (docs/adr/0017). */
export const ExportsSwitchRequestSchema = z.strictObject({ enabled: z.boolean(required('enabled')) });
export const ExportsSwitchSchema = z.object({
  exportsEnabled: z.boolean(),
  /** null until the switch was first flipped. */
  updatedAt: z.iso.datetime().nullable(),
  updatedBy: z.string().nullable(),
});
export type ExportsSwitch = z.infer<typeof ExportsSwitchSchema>;
