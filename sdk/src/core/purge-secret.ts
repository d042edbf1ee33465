import { z } from 'zod';
import { PURGE_SECRET_MIN_LENGTH } from './webhook-signature.ts';

/**
 * The purge webhook's shared HMAC key (PURGE_SIGNING_SECRET), as the control plane, origins and the
 * CLI read it from their configuration. The edge, whose bundle leaves classic zod out, checks the
 * same constant with zod/mini (docs/adr/0012).
 */
export const PurgeSecretSchema = z.string().min(PURGE_SECRET_MIN_LENGTH, `at least ${PURGE_SECRET_MIN_LENGTH} characters`);
