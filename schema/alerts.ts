import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const ALERT_STATES = ['pending', 'firing'] as const;
const NOTIFICATION_STATES = ['pending', 'firing', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export type NotificationState = (typeof NOTIFICATION_STATES)[number];

/**
 * The alert evaluator's memory (control-plane/src/alerts): one row per alert whose condition held
 * at the last evaluation, like Prometheus' active alerts. `activeSince` is when the condition
 * started holding; the alert is `firing` once it has held for the rule's `for` duration. A row
 * is deleted when its condition stops holding. Written only by the alert-evaluation job.
 */
export const alertStates = pgTable(
  'alert_states',
  {
    alertname: text().notNull(),
    tenantId: text().notNull(),
    /** Operation name for per-operation rules, '' otherwise (part of the key, so never null). */
    operation: text().notNull(),
    state: text({ enum: ALERT_STATES }).notNull(),
    activeSince: timestamp({ withTimezone: true }).notNull(),
    firingSince: timestamp({ withTimezone: true }),
    /** The rule's `for` when it was evaluated: how long the condition must hold before the alert fires. */
    forSeconds: integer().notNull(),
    evaluatedAt: timestamp({ withTimezone: true }).notNull(),
    severity: text().notNull(),
    values: jsonb().$type<Record<string, number>>().notNull(),
    thresholds: jsonb().$type<Record<string, number>>().notNull(),
    summary: text().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.alertname, t.tenantId, t.operation] }),
    check('alert_states_state_check', sql`${t.state} in ('pending', 'firing')`),
  ],
);

/**
 * Every state change of an alert, in order: `pending` (condition started holding), `firing`
 * (held for `for`), `resolved` (stopped holding; `previousState` says whether it had fired).
 * Append-only; pruned with the metrics (METRICS_RETENTION_DAYS).
 */
export const alertNotifications = pgTable(
  'alert_notifications',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp({ withTimezone: true }).notNull(),
    alertname: text().notNull(),
    tenantId: text().notNull(),
    operation: text().notNull(),
    state: text({ enum: NOTIFICATION_STATES }).notNull(),
    previousState: text({ enum: ALERT_STATES }),
    severity: text().notNull(),
    values: jsonb().$type<Record<string, number>>().notNull(),
    summary: text().notNull(),
  },
  (t) => [
    index().on(t.tenantId, t.id),
    index().on(t.at),
    check('alert_notifications_state_check', sql`${t.state} in ('pending', 'firing', 'resolved')`),
  ],
);
