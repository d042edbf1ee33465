CREATE TABLE "edge_latency_buckets" (
	"minute" timestamp with time zone NOT NULL,
	"tenant_id" text NOT NULL,
	"op_id" text NOT NULL,
	"status" text NOT NULL,
	"series" text NOT NULL,
	"bucket" integer NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "edge_latency_buckets_minute_tenant_id_op_id_status_series_bucket_pk" PRIMARY KEY("minute","tenant_id","op_id","status","series","bucket"),
	CONSTRAINT "edge_latency_buckets_status_check" CHECK ("edge_latency_buckets"."status" in ('HIT', 'MISS', 'BYPASS', 'STALE', 'COALESCED')),
	CONSTRAINT "edge_latency_buckets_series_check" CHECK ("edge_latency_buckets"."series" in ('total', 'origin'))
);
--> statement-breakpoint
CREATE TABLE "edge_metric_batches" (
	"batch_id" text PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "edge_metric_minutes" (
	"minute" timestamp with time zone NOT NULL,
	"tenant_id" text NOT NULL,
	"op_id" text NOT NULL,
	"status" text NOT NULL,
	"op_name" text NOT NULL,
	"requests" bigint NOT NULL,
	"bytes" bigint NOT NULL,
	"total_sum_ms" double precision NOT NULL,
	"origin_count" bigint NOT NULL,
	"origin_sum_ms" double precision NOT NULL,
	CONSTRAINT "edge_metric_minutes_minute_tenant_id_op_id_status_pk" PRIMARY KEY("minute","tenant_id","op_id","status"),
	CONSTRAINT "edge_metric_minutes_status_check" CHECK ("edge_metric_minutes"."status" in ('HIT', 'MISS', 'BYPASS', 'STALE', 'COALESCED'))
);
--> statement-breakpoint
CREATE TABLE "purge_failure_minutes" (
	"minute" timestamp with time zone NOT NULL,
	"tenant_id" text NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "purge_failure_minutes_minute_tenant_id_pk" PRIMARY KEY("minute","tenant_id")
);
--> statement-breakpoint
CREATE TABLE "purge_receipts" (
	"purge_id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"tags" jsonb NOT NULL,
	"duplicate" boolean NOT NULL,
	"applied_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "edge_metric_minutes_op_id_minute_index" ON "edge_metric_minutes" USING btree ("op_id","minute");--> statement-breakpoint
CREATE INDEX "edge_metric_minutes_tenant_id_minute_index" ON "edge_metric_minutes" USING btree ("tenant_id","minute");--> statement-breakpoint
CREATE INDEX "purge_receipts_tenant_id_applied_at_index" ON "purge_receipts" USING btree ("tenant_id","applied_at");
