import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const httpUrl = z.url({ protocol: /^https?$/ });
/** Days of edge metrics, latency buckets, purge receipts and alert notifications kept (control-plane/src/metrics/retention.ts). */
export const MetricsRetentionDaysSchema = z.coerce.number().int().min(1).max(366).default(14);
/** How often the Node process asks the scheduler what is due (control-plane/src/scheduler/timer.ts); jobs keep their own intervals. */
const schedulerTickMs = z.coerce.number().int().min(100).max(3_600_000).default(15_000);

/** Options of startControlPlane, validated before anything starts so a typo fails with a clear message. */
export const ServerConfigSchema = z.object({
  port: port.default(0),
  host: z.string().min(1).default('127.0.0.1'),
  databaseUrl: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  pglitePath: z.string().min(1).optional(),
  dataDir: z.string().min(1),
  edgeUrl: httpUrl.default('http://127.0.0.1:8787'),
  /** The origin exports read their documents from (exports/source); without it no export is built. */
  originUrl: httpUrl.optional(),
  seedDemo: z.boolean().default(false),
  metricsRetentionDays: MetricsRetentionDaysSchema,
  schedulerTickMs,
});
export type ServerConfig = z.infer<typeof ServerConfigSchema>;

/** Environment of `node control-plane/src/node.ts` (and `npm start`). */
export const NodeEnvSchema = z.object({
  CONTROL_PLANE_PORT: port.default(8788),
  CONTROL_PLANE_HOST: z.string().min(1).default('127.0.0.1'),
  EDGE_URL: httpUrl.default('http://127.0.0.1:8787'),
  ORIGIN_URL: httpUrl.optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  CONDUCTOR_DATA_DIR: z.string().min(1).optional(),
  METRICS_RETENTION_DAYS: MetricsRetentionDaysSchema,
  SCHEDULER_TICK_MS: schedulerTickMs,
});

/** Parses or throws one readable error listing every bad setting. */
export function parseConfig<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
  throw new Error(`invalid ${what}:\n${problems}`);
}
