CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"strict_safelist" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"tenant_id" text,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"payload" jsonb,
	"prev_hash" text NOT NULL,
	"row_hash" text NOT NULL,
	CONSTRAINT "audit_log_rowHash_unique" UNIQUE("row_hash")
);
--> statement-breakpoint
CREATE TABLE "cache_invalidation" (
	"mutation_op" text NOT NULL,
	"affected_op" text NOT NULL,
	"vars_selector" jsonb,
	CONSTRAINT "cache_invalidation_mutation_op_affected_op_pk" PRIMARY KEY("mutation_op","affected_op")
);
--> statement-breakpoint
CREATE TABLE "purge_events" (
	"purge_id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"request" jsonb NOT NULL,
	"receipt" jsonb,
	"status" text NOT NULL,
	"error" text,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "purge_events_status_check" CHECK ("purge_events"."status" in ('applied', 'duplicate', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "safelisted_operations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"document" text NOT NULL,
	"operation_type" text NOT NULL,
	"ttl_seconds" integer NOT NULL,
	"scope" text NOT NULL,
	"variables" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "safelisted_operations_ttl_seconds_check" CHECK ("safelisted_operations"."ttl_seconds" >= 0),
	CONSTRAINT "safelisted_operations_scope_check" CHECK ("safelisted_operations"."scope" in ('tenant', 'user')),
	CONSTRAINT "safelisted_operations_operation_type_check" CHECK ("safelisted_operations"."operation_type" in ('query', 'mutation', 'subscription'))
);
--> statement-breakpoint
ALTER TABLE "purge_events" ADD CONSTRAINT "purge_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_tenant_id_seq_index" ON "audit_log" USING btree ("tenant_id","seq");--> statement-breakpoint
CREATE INDEX "cache_invalidation_affected_op_index" ON "cache_invalidation" USING btree ("affected_op");--> statement-breakpoint
CREATE INDEX "purge_events_tenant_id_created_at_index" ON "purge_events" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "safelisted_operations_name_index" ON "safelisted_operations" USING btree ("name");