import { OUTBOX_BACKLOG_PATH, OutboxBacklogReportSchema, type OutboxTenantBacklog } from '../contracts/backlog.ts';
import { ErrorCode, type ErrorBody } from '../contracts/errors.ts';
import { SIGNATURE_HEADER, signWebhook } from '../core/webhook-signature.ts';

/**
 * Signed backlog reports from a purge outbox to the control plane, so its "invalidation backlog"
 * alert sees purges stuck at an origin too (contract: contracts/backlog.ts). Each report is a
 * snapshot that replaces the previous one of the same `source`; a failed send is not queued, the
 * next tick sends a fresher snapshot.
 */
export interface BacklogReporterOptions {
  /** The snapshot to send: `outbox.backlog` of a PurgeOutbox. */
  backlog: () => OutboxTenantBacklog[];
  /** Base URL of the control plane, e.g. http://127.0.0.1:8788. */
  controlPlaneUrl: string;
  /** The purge signing secret (PURGE_SIGNING_SECRET), shared with the edge and the control plane. */
  secret: string;
  /** Stable name of this outbox (an origin instance), 1–200 characters. */
  source: string;
  /** Between reports; default 60 s. */
  intervalMs?: number;
  /** Per report; default 5 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Telemetry: the outcome of every report. */
  onOutcome?: (outcome: BacklogReportOutcome) => void;
}

export type BacklogReportOutcome =
  | { ok: true; tenants: number }
  /** `status` is the control plane's HTTP status, undefined when no answer arrived. */
  | { ok: false; status?: number; code: string; message: string };

export interface BacklogReporter {
  /** Sends a report now (also what every tick does). */
  reportNow(): Promise<BacklogReportOutcome>;
  /** Stops the ticks and waits for a report in flight. */
  stop(): Promise<void>;
}

/** Signs and sends one report of `tenants`. Never throws: the outcome says what happened. */
export async function sendBacklogReport(options: Omit<BacklogReporterOptions, 'backlog' | 'intervalMs' | 'onOutcome'>, tenants: OutboxTenantBacklog[]): Promise<BacklogReportOutcome> {
  const report = OutboxBacklogReportSchema.safeParse({ reportId: crypto.randomUUID(), source: options.source, tenants });
  if (!report.success) {
    return { ok: false, code: ErrorCode.VALIDATION_FAILED, message: `invalid backlog report: ${report.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  }
  const body = JSON.stringify(report.data);
  const url = new URL(OUTBOX_BACKLOG_PATH, options.controlPlaneUrl).toString();
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: await signWebhook(options.secret, body) },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
  } catch (err) {
    return { ok: false, code: ErrorCode.CONTROL_PLANE_UNAVAILABLE, message: `control plane unreachable at ${url}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const text = await response.text();
  if (response.ok) return { ok: true, tenants: tenants.length };
  let error: ErrorBody['error'] | undefined;
  try {
    error = (JSON.parse(text) as ErrorBody).error;
  } catch {
    // Not our error body (a proxy's page): the status says enough.
  }
  return { ok: false, status: response.status, code: error?.code ?? ErrorCode.INTERNAL, message: error?.message ?? `control plane answered ${response.status}` };
}

/** Reports at once, then every `intervalMs`, until stopped; the timer never keeps the process alive. */
export function startBacklogReports(options: BacklogReporterOptions): BacklogReporter {
  let inFlight: Promise<BacklogReportOutcome> | undefined;
  let stopped = false;
  const reportNow = () => {
    inFlight ??= (async () => {
      const outcome = await sendBacklogReport(options, options.backlog());
      options.onOutcome?.(outcome);
      return outcome;
    })().finally(() => (inFlight = undefined));
    return inFlight;
  };
  const tick = () => {
    if (!stopped) void reportNow();
  };
  tick();
  const timer = setInterval(tick, options.intervalMs ?? 60_000);
  timer.unref?.();
  return {
    reportNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}
