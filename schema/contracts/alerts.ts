import { z } from 'zod';

/*
 * GET /v1/alerts and GET /v1/alerts/notifications (control-plane/src/alerts): the JSON bodies.
 * Rules, thresholds and their `for:` durations are described in docs/reports.md §5.
 */

const AlertLabelsSchema = z.object({ tenant: z.string(), operation: z.string().optional() });
const MeasuredSchema = z.record(z.string(), z.number());

export const AlertSchema = z.object({
  alertname: z.string(),
  state: z.enum(['pending', 'firing']),
  /** Start of the current state: when the condition began to hold (pending) or when the alert fired. */
  since: z.string(),
  /** When the condition began to hold (Prometheus' activeAt). */
  activeSince: z.string(),
  firingSince: z.string().nullable(),
  /** Seconds the condition must hold before the alert fires. */
  forSeconds: z.number(),
  severity: z.enum(['warning', 'critical']),
  labels: AlertLabelsSchema,
  values: MeasuredSchema,
  thresholds: MeasuredSchema,
  summary: z.string(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const AlertsResponseSchema = z.object({
  /** The scheduler's last evaluation; null before the first. */
  evaluatedAt: z.string().nullable(),
  rules: z.record(z.string(), MeasuredSchema),
  /** Firing first. */
  alerts: z.array(AlertSchema),
});
export type AlertsResponse = z.infer<typeof AlertsResponseSchema>;

export const AlertNotificationSchema = z.object({
  id: z.number(),
  at: z.string(),
  alertname: z.string(),
  state: z.enum(['pending', 'firing', 'resolved']),
  previousState: z.enum(['pending', 'firing']).nullable(),
  severity: z.string(),
  labels: AlertLabelsSchema,
  values: MeasuredSchema,
  summary: z.string(),
});
export type AlertNotification = z.infer<typeof AlertNotificationSchema>;

export const AlertNotificationsResponseSchema = z.object({ notifications: z.array(AlertNotificationSchema) });
