import type { ExportCheckCode } from '../manifest/index.ts';

/**
 * Why a pull or a directory check stopped. `code` is verifyExport's (CHUNK_HASH_MISMATCH,
 * SIGNATURE_UNKNOWN_KEY, …) when the export failed a check, the control plane's error code when it
 * refused a request, or one of PullFailureCode for the pull's own conditions.
 */
export class PullError extends Error {
  constructor(
    readonly code: ExportCheckCode | PullFailureCode | (string & {}),
    message: string,
    /** The chunk concerned, for chunk failures. */
    readonly ix?: number,
  ) {
    super(message);
    this.name = 'PullError';
  }
}

export type PullFailureCode =
  | 'CONTROL_PLANE_UNAVAILABLE'
  /** The connection failed while a chunk streamed: its part file is kept, and a rerun resumes it. */
  | 'NETWORK_ERROR'
  /** An answer a pull never asks for (a 206 of other bytes, a manifest of another export). */
  | 'PROTOCOL_ERROR'
  | 'JWKS_UNAVAILABLE'
  | 'JWKS_INVALID'
  /** --out already holds another export's manifest. */
  | 'OUT_DIR_IN_USE'
  /** The directory has no manifest.json (not a pull's output). */
  | 'MANIFEST_MISSING';
