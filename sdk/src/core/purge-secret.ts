import { z } from 'zod';

/**
 * The purge webhook's shared HMAC key (PURGE_SIGNING_SECRET), as every signer and verifier reads it
 * from its configuration: the edge, the control plane, origins and the CLI. At least 32 characters,
 * because an HMAC-SHA256 key shorter than the hash's 32-byte output weakens it (RFC 2104 §3); the
 * generated dev secret is 64 hex characters.
 */
export const PURGE_SECRET_MIN_LENGTH = 32;

// Pure: a bundle that imports only the constant (the edge's) drops the schema, and zod with it.
export const PurgeSecretSchema = /* @__PURE__ */ z.string().min(PURGE_SECRET_MIN_LENGTH, `at least ${PURGE_SECRET_MIN_LENGTH} characters`);
