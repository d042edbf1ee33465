CREATE TABLE "outbox_backlog_reports" (
	"source" text PRIMARY KEY NOT NULL,
	"report_id" text NOT NULL,
	"signed_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"tenants" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scheduled_jobs" (
	"name" text PRIMARY KEY NOT NULL,
	"next_run_at" timestamp with time zone NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"checkpoint" jsonb,
	"last_started_at" timestamp with time zone,
	"last_finished_at" timestamp with time zone,
	"last_outcome" text,
	"last_error" text,
	"last_result" jsonb,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"runs" integer DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "scheduled_jobs_last_outcome_check" CHECK ("scheduled_jobs"."last_outcome" in ('ok', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "alert_notifications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alert_notifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone NOT NULL,
	"alertname" text NOT NULL,
	"tenant_id" text NOT NULL,
	"operation" text NOT NULL,
	"state" text NOT NULL,
	"previous_state" text,
	"severity" text NOT NULL,
	"values" jsonb NOT NULL,
	"summary" text NOT NULL,
	CONSTRAINT "alert_notifications_state_check" CHECK ("alert_notifications"."state" in ('pending', 'firing', 'resolved'))
);
--> statement-breakpoint
CREATE TABLE "alert_states" (
	"alertname" text NOT NULL,
	"tenant_id" text NOT NULL,
	"operation" text NOT NULL,
	"state" text NOT NULL,
	"active_since" timestamp with time zone NOT NULL,
	"firing_since" timestamp with time zone,
	"for_seconds" integer NOT NULL,
	"evaluated_at" timestamp with time zone NOT NULL,
	"severity" text NOT NULL,
	"values" jsonb NOT NULL,
	"thresholds" jsonb NOT NULL,
	"summary" text NOT NULL,
	CONSTRAINT "alert_states_alertname_tenant_id_operation_pk" PRIMARY KEY("alertname","tenant_id","operation"),
	CONSTRAINT "alert_states_state_check" CHECK ("alert_states"."state" in ('pending', 'firing'))
);
--> statement-breakpoint
CREATE INDEX "alert_notifications_tenant_id_id_index" ON "alert_notifications" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "alert_notifications_at_index" ON "alert_notifications" USING btree ("at");