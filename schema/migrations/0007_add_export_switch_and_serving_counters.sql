CREATE TABLE "export_serving_minutes" (
	"minute" timestamp with time zone NOT NULL,
	"tenant_id" text NOT NULL,
	"counter" text NOT NULL,
	"value" bigint NOT NULL,
	CONSTRAINT "export_serving_minutes_minute_tenant_id_counter_pk" PRIMARY KEY("minute","tenant_id","counter"),
	CONSTRAINT "export_serving_minutes_counter_check" CHECK ("export_serving_minutes"."counter" in ('served_bytes', 'resumed', 'resume_restarted', 'resume_unsatisfiable', 'resume_corrupt', 'corrupt_refusals')),
	CONSTRAINT "export_serving_minutes_value_check" CHECK ("export_serving_minutes"."value" >= 0),
	CONSTRAINT "export_serving_minutes_minute_check" CHECK ("export_serving_minutes"."minute" = date_trunc('minute', "export_serving_minutes"."minute"))
);
--> statement-breakpoint
CREATE TABLE "export_settings" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"exports_enabled" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text NOT NULL,
	CONSTRAINT "export_settings_single_row_check" CHECK ("export_settings"."id")
);
--> statement-breakpoint
ALTER TABLE "export_serving_minutes" ADD CONSTRAINT "export_serving_minutes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;