import { z } from 'zod';
import { ErrorCode, PurgeSecretSchema } from '@conductor/sdk';
import { EdgeError } from './http/errors.ts';

const SettingsSchema = z.object({
  CONTROL_PLANE_URL: z.url(),
  ORIGIN_URL: z.url(),
  LOCAL_REGION: z
    .string()
    .regex(/^[A-Za-z0-9-]{0,32}$/, 'letters, digits and dashes')
    .optional(),
  PURGE_SIGNING_SECRET: PurgeSecretSchema,
  CONTROL_PLANE_TOKEN: z.string().min(1),
  ORIGIN_TIMEOUT_MS: milliseconds(10_000, 100, 120_000),
  METRICS_FLUSH_MS: milliseconds(10_000, 10, 600_000),
});

/** A var holding whole milliseconds within [min, max]; unset or empty means the default. */
function milliseconds(fallback: number, min: number, max: number) {
  return z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? fallback : Number(v)))
    .pipe(z.number().int('whole milliseconds').min(min).max(max));
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
