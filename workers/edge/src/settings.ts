import { ErrorCode, PURGE_SECRET_MIN_LENGTH } from '@conductor/sdk';
import * as z from 'zod/mini';
import './contracts/zod-english.ts';
import { EdgeError } from './http/errors.ts';

const SettingsSchema = z.object({
  CONTROL_PLANE_URL: z.url(),
  ORIGIN_URL: z.url(),
  LOCAL_REGION: z.optional(z.string().check(z.regex(/^[A-Za-z0-9-]{0,32}$/, 'letters, digits and dashes'))),
  // PurgeSecretSchema's rule (classic zod, which the edge bundle leaves out), by its constant.
  PURGE_SIGNING_SECRET: z.string().check(z.minLength(PURGE_SECRET_MIN_LENGTH, `at least ${PURGE_SECRET_MIN_LENGTH} characters`)),
  CONTROL_PLANE_TOKEN: z.string().check(z.minLength(1)),
  ORIGIN_TIMEOUT_MS: milliseconds(10_000, 100, 120_000),
  METRICS_FLUSH_MS: milliseconds(10_000, 10, 600_000),
});

/** A var holding whole milliseconds within [min, max]; unset or empty means the default. */
function milliseconds(fallback: number, min: number, max: number) {
  return z.pipe(
    z.pipe(
      z.optional(z.string()),
      z.transform((v) => (v === undefined || v.trim() === '' ? fallback : Number(v))),
    ),
    z.int('whole milliseconds').check(z.minimum(min), z.maximum(max)),
  );
}

export interface EdgeSettings {
  controlPlaneUrl: string;
  originUrl: string;
  /** Empty in wrangler.toml means "use request.cf.colo". */
  localRegion: string | undefined;
  purgeSecret: string;
  controlPlaneToken: string;
  /** An origin request still unanswered after this is aborted (504 ORIGIN_TIMEOUT or stale-if-error). */
  originTimeoutMs: number;
  /** Metrics are shipped at most once per this interval (sooner only when the buffer grows large). */
  metricsFlushMs: number;
}

let validated: { env: Env; settings: EdgeSettings } | null = null;

/** Validates the bindings once per isolate; a missing secret is a 500 naming it, never its value. */
export function edgeSettings(env: Env): EdgeSettings {
  if (validated?.env === env) return validated.settings;
  const parsed = SettingsSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new EdgeError(500, ErrorCode.INTERNAL, `edge misconfigured: ${problems}`);
  }
  const e = parsed.data;
  const settings: EdgeSettings = {
    controlPlaneUrl: e.CONTROL_PLANE_URL.replace(/\/+$/, ''),
    originUrl: e.ORIGIN_URL.replace(/\/+$/, ''),
    localRegion: e.LOCAL_REGION || undefined,
    purgeSecret: e.PURGE_SIGNING_SECRET,
    controlPlaneToken: e.CONTROL_PLANE_TOKEN,
    originTimeoutMs: e.ORIGIN_TIMEOUT_MS,
    metricsFlushMs: e.METRICS_FLUSH_MS,
  };
  validated = { env, settings };
  return settings;
}
