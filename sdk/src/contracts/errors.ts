/** Every 4xx/5xx body from the edge and the control plane has this shape. */
export interface ErrorBody {
  error: { code: string; message: string; requestId?: string };
}

/** Machine codes shared by the edge and the control plane; add here, never inline a new string. */
export const ErrorCode = {
  BAD_JSON: 'BAD_JSON',
  BAD_REQUEST: 'BAD_REQUEST',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  /** Admin GraphQL (control plane /graphql): a document that fails validation, or too deep / too costly to run. */
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  QUERY_TOO_COSTLY: 'QUERY_TOO_COSTLY',
  /** Admin GraphQL: arguments or variables that are not valid input (GraphQL's conventional code). */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_HASH_MISMATCH: 'PERSISTED_QUERY_HASH_MISMATCH',
  PERSISTED_QUERY_NOT_IN_LIST: 'PERSISTED_QUERY_NOT_IN_LIST',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  FORBIDDEN: 'FORBIDDEN',
  UNKNOWN_TENANT: 'UNKNOWN_TENANT',
  TENANT_MISMATCH: 'TENANT_MISMATCH',
  SIGNATURE_MISSING: 'SIGNATURE_MISSING',
  SIGNATURE_MALFORMED: 'SIGNATURE_MALFORMED',
  SIGNATURE_EXPIRED: 'SIGNATURE_EXPIRED',
  SIGNATURE_INVALID: 'SIGNATURE_INVALID',
  /** A signed message the receiver has already accepted (same id): a replay inside the signature's window. */
  SIGNATURE_REPLAYED: 'SIGNATURE_REPLAYED',
  UNKNOWN_OPERATION: 'UNKNOWN_OPERATION',
  UNDECLARED_VARIABLE: 'UNDECLARED_VARIABLE',
  NOT_FOUND: 'NOT_FOUND',
  /** 416: a byte range that starts at or past the end of the representation (RFC 9110 §15.5.17). */
  RANGE_NOT_SATISFIABLE: 'RANGE_NOT_SATISFIABLE',
  /** A catalog op or service names a service that is not in the catalog. */
  UNKNOWN_SERVICE: 'UNKNOWN_SERVICE',
  CONFLICT: 'CONFLICT',
  ORIGIN_UNAVAILABLE: 'ORIGIN_UNAVAILABLE',
  ORIGIN_TIMEOUT: 'ORIGIN_TIMEOUT',
  CONFIG_UNAVAILABLE: 'CONFIG_UNAVAILABLE',
  EDGE_UNAVAILABLE: 'EDGE_UNAVAILABLE',
  /** A client (the outbox's backlog reporter) got no answer from the control plane. */
  CONTROL_PLANE_UNAVAILABLE: 'CONTROL_PLANE_UNAVAILABLE',
  /**
   * 500: a stored export chunk failed its check against the signed manifest (damaged in storage);
   * it is refused, never served (docs/adr/0017).
   */
  EXPORT_CORRUPT: 'EXPORT_CORRUPT',
  /** 503: the exports backout ("hide RAG export") is on: creation and downloads are refused, exports are kept (docs/adr/0017). */
  EXPORTS_DISABLED: 'EXPORTS_DISABLED',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
